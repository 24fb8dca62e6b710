// The options of one import, checked once for every surface: `coalmine import` (its flags)
// and the API's `ingest.start` (its fields, already shaped by the zod schema in shared/api.ts,
// checked again here because the core trusts no caller). A bad option is refused before any
// file is read, with a message that names the option as the caller wrote it.
import type { IngestChoices } from '../../../shared/api.js';
import { CoalmineError } from '../../../shared/errors.js';
import {
  DEFAULT_REQUEST_TIME_UNIT,
  IMPORT_MAPPING_NAME_MAX,
  IMPORT_NAME_MAX,
  type ImportOptionKey,
  type OptionNaming,
  type RequestTimeUnit,
  importDayProblem,
  importYearProblem,
  isRequestTimeUnit,
  optionName,
  parseImportDay,
  parseImportYear,
} from '../../../shared/importOptions.js';
import type { CaseDb } from '../case/caseStore.js';
import { MAPPING_NAME, csvMappingNamed, listCsvMappings } from '../case/csvMappings.js';
import { type CsvMapping, parseCsvMapping } from './formats/csv.js';
import { FORMATS, formatNamed } from './formats/index.js';
import type { ImportOptions } from './importFile.js';
import { DEFAULT_ZONE, checkZone } from './time.js';

/** The options as given: the CLI's strings, or the API's values. */
export interface ImportRequest {
  format?: string | undefined;
  track?: string | undefined;
  service?: string | undefined;
  version?: string | undefined;
  /** The deployment environment of the records that name none. */
  environment?: string | undefined;
  zone?: string | undefined;
  year?: string | number | undefined;
  /** DD/MM/YYYY: the day of the first record of a log that writes only the time of day. */
  date?: string | undefined;
  requestTimeUnit?: string | undefined;
  /** The name of a CSV mapping saved in the case (with `map`: the name to save it under). */
  mapping?: string | undefined;
  /** CSV `column=field,…` pairs (the CLI's --map), saved in the case. */
  map?: string | undefined;
}

/** An import's options once checked; what is left to do needs the case (the CSV mapping). */
export interface CheckedImportRequest {
  format?: string;
  track?: 'canary' | 'stable';
  service?: string;
  version?: string;
  environment?: string;
  zone: string;
  year?: number;
  /** YYYY-MM-DD. */
  day?: string;
  requestTimeUnit: RequestTimeUnit;
  mapping?: string;
  map?: CsvMapping;
}

// The CLI reads the default from here; it lives in shared/ so the page's form starts from it too.
export { DEFAULT_REQUEST_TIME_UNIT };

function refuse(key: ImportOptionKey, naming: OptionNaming, reason: string): never {
  throw new CoalmineError('BAD_INPUT', `${optionName(key, naming)} ${reason}`);
}

/** Runs a check of the core's own (a zone, a format name), its message prefixed with the option. */
function checkedBy<T>(key: ImportOptionKey, naming: OptionNaming, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof CoalmineError) {
      throw new CoalmineError(error.code, `${optionName(key, naming)}: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

/** A name given to every event: blank counts as not given, as on the command line. */
function eventName(
  key: 'service' | 'version' | 'environment',
  value: string | undefined,
  naming: OptionNaming,
): string | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  if (trimmed.length > IMPORT_NAME_MAX) refuse(key, naming, `is longer than ${IMPORT_NAME_MAX} characters`);
  return trimmed;
}

/** Checks every option that needs no case; throws a BAD_INPUT error naming the first bad one. */
export function checkImportRequest(request: ImportRequest, naming: OptionNaming): CheckedImportRequest {
  const checked: CheckedImportRequest = {
    zone: DEFAULT_ZONE,
    requestTimeUnit: DEFAULT_REQUEST_TIME_UNIT,
  };
  const { format, zone } = request;
  if (format !== undefined) checked.format = checkedBy('format', naming, () => formatNamed(format).name);
  if (request.track !== undefined) {
    if (request.track !== 'canary' && request.track !== 'stable') {
      refuse('track', naming, `"${request.track}" is not a track; give canary or stable`);
    }
    checked.track = request.track;
  }
  const service = eventName('service', request.service, naming);
  if (service !== undefined) checked.service = service;
  const version = eventName('version', request.version, naming);
  if (version !== undefined) checked.version = version;
  const environment = eventName('environment', request.environment, naming);
  if (environment !== undefined) checked.environment = environment;
  if (zone !== undefined) checked.zone = checkedBy('zone', naming, () => checkZone(zone));
  if (request.year !== undefined) {
    const year = parseImportYear(request.year);
    if (year === null) refuse('year', naming, importYearProblem(request.year));
    checked.year = year;
  }
  if (request.date !== undefined) {
    const day = parseImportDay(request.date);
    if (day === null) refuse('date', naming, importDayProblem(request.date));
    checked.day = day;
  }
  if (request.requestTimeUnit !== undefined) {
    if (!isRequestTimeUnit(request.requestTimeUnit)) {
      refuse('requestTimeUnit', naming, `"${request.requestTimeUnit}" is not a unit; give s, ms or us`);
    }
    checked.requestTimeUnit = request.requestTimeUnit;
  }
  if (request.mapping !== undefined) {
    if (!MAPPING_NAME.test(request.mapping)) {
      refuse(
        'mapping',
        naming,
        `"${request.mapping}": a mapping name is 1 to ${IMPORT_MAPPING_NAME_MAX} letters, digits, . _ or -`,
      );
    }
    checked.mapping = request.mapping;
  }
  if (request.map !== undefined) checked.map = parseCsvMapping(request.map);
  return checked;
}

export interface CsvMappingChoice {
  name: string;
  mapping: CsvMapping;
  /** Given with the import (`map`): saved in the case under `name` as the import begins. */
  save: boolean;
}

/**
 * The CSV mapping an import uses: `map` (to be saved in the case under `mapping`, or
 * "default", by the import itself, inside its guarded start), or the one saved as `mapping`;
 * null when neither is given. Reads only: a refused import leaves the case as it was.
 */
export function csvMappingForImport(
  db: CaseDb,
  checked: CheckedImportRequest,
  naming: OptionNaming,
): CsvMappingChoice | null {
  if (checked.map !== undefined) return { name: checked.mapping ?? 'default', mapping: checked.map, save: true };
  if (checked.mapping === undefined) return null;
  try {
    return { name: checked.mapping, mapping: csvMappingNamed(db, checked.mapping), save: false };
  } catch (error) {
    if (error instanceof CoalmineError && error.code === 'NOT_FOUND') {
      const names = listCsvMappings(db).map((m) => m.name);
      const has =
        names.length > 0
          ? `it has: ${names.join(', ')}`
          : `it has none; save one with \`coalmine import --map COLUMN=FIELD,… --mapping ${checked.mapping}\``;
      throw new CoalmineError(
        'NOT_FOUND',
        `${optionName('mapping', naming)}: no CSV mapping named "${checked.mapping}" in this case (${has})`,
      );
    }
    throw error;
  }
}

export interface ResolvedImport {
  /** What importFile takes for every file of the import (progress and cancel are per call). */
  options: ImportOptions;
}

/** The checked options against the case: the CSV mapping is read (`map` is saved by the import). */
export function resolveImport(db: CaseDb, checked: CheckedImportRequest, naming: OptionNaming): ResolvedImport {
  const csvMapping = csvMappingForImport(db, checked, naming);
  return {
    options: {
      ...(csvMapping ? { csvMapping } : {}),
      zone: checked.zone,
      ...(checked.format !== undefined ? { format: checked.format } : {}),
      ...(checked.year !== undefined ? { year: checked.year } : {}),
      ...(checked.track !== undefined ? { track: checked.track } : {}),
      ...(checked.service !== undefined ? { service: checked.service } : {}),
      ...(checked.version !== undefined ? { version: checked.version } : {}),
      ...(checked.environment !== undefined ? { environment: checked.environment } : {}),
      formatOptions: {
        requestTimeUnit: checked.requestTimeUnit,
        ...(checked.day !== undefined ? { date: checked.day } : {}),
        ...(csvMapping ? { csvMapping: csvMapping.mapping } : {}),
      },
    },
  };
}

/** What the page's import form offers as lists: the formats, and the case's saved CSV mappings. */
export function importChoices(db: CaseDb): IngestChoices {
  return {
    formats: FORMATS.map((f) => ({ name: f.name, label: f.label })),
    csvMappings: listCsvMappings(db).map(({ name, mapping }) => ({ name, columns: { ...mapping } })),
    defaultZone: DEFAULT_ZONE,
    defaultRequestTimeUnit: DEFAULT_REQUEST_TIME_UNIT,
  };
}
