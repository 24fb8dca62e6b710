// The options of one import (every file of it), as the CLI's `coalmine import` and the API's
// `ingest.start` take them. The pure parts live here so the API schema, the page's form and
// the core's checks (electron/core/ingest/importOptions.ts) read them the same way.

/** The unit of a whole-number request time at the end of an access-log line (Apache %T, %{ms}T, %D). */
export const REQUEST_TIME_UNITS = ['s', 'ms', 'us'] as const;
export type RequestTimeUnit = (typeof REQUEST_TIME_UNITS)[number];

/** The unit an import takes when none is given: Apache's %D, the one most access-log formats end with. */
export const DEFAULT_REQUEST_TIME_UNIT: RequestTimeUnit = 'us';

export const REQUEST_TIME_UNIT_LABELS: Record<RequestTimeUnit, string> = {
  s: 'seconds (Apache %T)',
  ms: 'milliseconds (Apache %{ms}T)',
  us: 'microseconds (Apache %D)',
};

/** Access logs written before this year or after the next are misread, not forensics. */
export const IMPORT_YEAR_MIN = 1990;
export const IMPORT_YEAR_MAX = 2099;

/** Longest service, version or environment name an import may give every event. */
export const IMPORT_NAME_MAX = 1000;
/** Longest zone name an import takes (IANA names are far shorter). */
export const IMPORT_ZONE_MAX = 64;
/** Longest format name an import takes. */
export const IMPORT_FORMAT_MAX = 64;
/** Longest CSV mapping name (the case store's rule for a mapping's name). */
export const IMPORT_MAPPING_NAME_MAX = 64;
/** A day is written DD/MM/YYYY: ten characters. */
export const IMPORT_DAY_LENGTH = 'DD/MM/YYYY'.length;

/** The options an import takes, by the name the API gives them. */
export type ImportOptionKey =
  | 'format'
  | 'track'
  | 'service'
  | 'version'
  | 'environment'
  | 'zone'
  | 'year'
  | 'date'
  | 'requestTimeUnit'
  | 'mapping'
  | 'map';

/** Messages name an option as the caller wrote it: the CLI's flag, or the API's field. */
export type OptionNaming = 'cli' | 'api';

const CLI_FLAGS: Record<ImportOptionKey, string> = {
  format: '--format',
  track: '--track',
  service: '--service',
  version: '--version',
  environment: '--environment',
  zone: '--zone',
  year: '--year',
  date: '--date',
  requestTimeUnit: '--request-time-unit',
  mapping: '--mapping',
  map: '--map',
};

export function optionName(key: ImportOptionKey, naming: OptionNaming): string {
  return naming === 'cli' ? CLI_FLAGS[key] : key;
}

const OPTION_KEYS = Object.keys(CLI_FLAGS) as ImportOptionKey[];

/**
 * The option a refusal of the API's options names, and the reason after it. The core's checks
 * write `<field> <reason>` or `<field>: <reason>` (electron/core/ingest/importOptions.ts), so
 * the page can put the reason beside the field the analyst sees; null for any other message.
 */
export function refusedOption(message: string): { key: ImportOptionKey; reason: string } | null {
  for (const key of OPTION_KEYS) {
    const rest = message.startsWith(key) ? message.slice(key.length) : null;
    if (rest === null) continue;
    const reason = rest.startsWith(': ') ? rest.slice(2) : rest.startsWith(' ') ? rest.slice(1) : null;
    if (reason) return { key, reason };
  }
  return null;
}

/**
 * `DD/MM/YYYY` (how every date reads in Coalmine) as the `YYYY-MM-DD` the readers take, or
 * null unless it is a real day written that way, in the years an import accepts.
 */
export function parseImportDay(text: string): string | null {
  const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(text.trim());
  if (!m) return null;
  const [day, month, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < IMPORT_YEAR_MIN || year > IMPORT_YEAR_MAX) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return `${m[3]}-${m[2]}-${m[1]}`;
}

/**
 * Why `text` is no day an import takes, once parseImportDay has said so: the one wording of the
 * page, the API's schema and the core, each putting it after its name for the option.
 */
export function importDayProblem(text: string): string {
  return `${text.trim()} is not a day written DD/MM/YYYY (a real day, ${IMPORT_YEAR_MIN} to ${IMPORT_YEAR_MAX})`;
}

/** A year as typed (the CLI) or sent (the API), or null unless it is four digits in range. */
export function parseImportYear(value: string | number): number | null {
  const text = typeof value === 'number' ? String(value) : value.trim();
  if (!/^\d{4}$/.test(text)) return null;
  const year = Number(text);
  return year >= IMPORT_YEAR_MIN && year <= IMPORT_YEAR_MAX ? year : null;
}

/** Why `value` is no year an import takes, once parseImportYear has said so (as importDayProblem). */
export function importYearProblem(value: string | number): string {
  const text = typeof value === 'number' ? String(value) : value.trim();
  return `${text} is not a year between ${IMPORT_YEAR_MIN} and ${IMPORT_YEAR_MAX}`;
}

export function isRequestTimeUnit(value: string): value is RequestTimeUnit {
  return (REQUEST_TIME_UNITS as readonly string[]).includes(value);
}
