// The options of one import (every file of it), as the CLI's `coalmine import` and the API's
// `ingest.start` take them. The pure parts live here so the API schema, the page's form and
// the core's checks (electron/core/ingest/importOptions.ts) read them the same way.

/** The unit of a whole-number request time at the end of an access-log line (Apache %T, %{ms}T, %D). */
export const REQUEST_TIME_UNITS = ['s', 'ms', 'us'] as const;
export type RequestTimeUnit = (typeof REQUEST_TIME_UNITS)[number];

export const REQUEST_TIME_UNIT_LABELS: Record<RequestTimeUnit, string> = {
  s: 'seconds (Apache %T)',
  ms: 'milliseconds (Apache %{ms}T)',
  us: 'microseconds (Apache %D)',
};

/** Access logs written before this year or after the next are misread, not forensics. */
export const IMPORT_YEAR_MIN = 1990;
export const IMPORT_YEAR_MAX = 2099;

/** Longest service or version name an import may give every event. */
export const IMPORT_NAME_MAX = 1000;

/** The options an import takes, by the name the API gives them. */
export type ImportOptionKey =
  'format' | 'track' | 'service' | 'version' | 'zone' | 'year' | 'date' | 'requestTimeUnit' | 'mapping' | 'map';

/** Messages name an option as the caller wrote it: the CLI's flag, or the API's field. */
export type OptionNaming = 'cli' | 'api';

const CLI_FLAGS: Record<ImportOptionKey, string> = {
  format: '--format',
  track: '--track',
  service: '--service',
  version: '--version',
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

/** A year as typed (the CLI) or sent (the API), or null unless it is four digits in range. */
export function parseImportYear(value: string | number): number | null {
  const text = typeof value === 'number' ? String(value) : value.trim();
  if (!/^\d{4}$/.test(text)) return null;
  const year = Number(text);
  return year >= IMPORT_YEAR_MIN && year <= IMPORT_YEAR_MAX ? year : null;
}

export function isRequestTimeUnit(value: string): value is RequestTimeUnit {
  return (REQUEST_TIME_UNITS as readonly string[]).includes(value);
}
