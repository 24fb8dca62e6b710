// CSV column mappings saved in the case under a name, so the next export of the same shape
// imports with `--mapping NAME` (settings key `csv.mapping.<name>`).
import { z } from 'zod';
import { CoalmineError } from '../../../shared/errors.js';
import { CSV_FIELDS, type CsvMapping } from '../ingest/formats/csv.js';
import type { CaseDb } from './caseStore.js';
import { getSetting, putSetting, settingKeys } from './settings.js';

const PREFIX = 'csv.mapping.';
const fieldNames = Object.keys(CSV_FIELDS) as [keyof typeof CSV_FIELDS, ...(keyof typeof CSV_FIELDS)[]];
const mappingSchema = z.record(z.string().min(1).max(200), z.enum(fieldNames));

export const MAPPING_NAME = /^[\w.-]{1,64}$/;

function checkName(name: string): string {
  if (!MAPPING_NAME.test(name)) {
    throw new CoalmineError('BAD_INPUT', `mapping name "${name}": use 1 to 64 letters, digits, . _ or -`);
  }
  return name;
}

export function saveCsvMapping(db: CaseDb, name: string, mapping: CsvMapping): void {
  putSetting(db, PREFIX + checkName(name), mappingSchema, mapping);
}

/** The mapping saved under `name`; throws naming the saved ones when there is none. */
export function csvMappingNamed(db: CaseDb, name: string): CsvMapping {
  const found = getSetting(db, PREFIX + checkName(name), mappingSchema.nullable(), null);
  if (found === null) {
    const names = listCsvMappings(db).map((m) => m.name);
    throw new CoalmineError(
      'NOT_FOUND',
      `no CSV mapping named "${name}" in this case${names.length > 0 ? ` (it has: ${names.join(', ')})` : ' (it has none; give one with --map)'}`,
    );
  }
  return found;
}

export function listCsvMappings(db: CaseDb): { name: string; mapping: CsvMapping }[] {
  return settingKeys(db, PREFIX).map((key) => ({
    name: key.slice(PREFIX.length),
    mapping: getSetting(db, key, mappingSchema, {}),
  }));
}
