// The options of one import, as `coalmine import` takes them: collapsed until the analyst
// needs them (most files say their own track, service and zone). Lists come from the core
// (`ingest.choices`); every value, a saved mapping's column names included, renders as text.
import { useId } from 'react';
import type { ApiInput, IngestChoices } from '../../../shared/api';
import {
  IMPORT_YEAR_MAX,
  IMPORT_YEAR_MIN,
  REQUEST_TIME_UNITS,
  REQUEST_TIME_UNIT_LABELS,
  type RequestTimeUnit,
  parseImportDay,
  parseImportYear,
} from '../../../shared/importOptions';
import './importOptions.css';

export interface ImportOptionValues {
  track: '' | 'canary' | 'stable';
  service: string;
  version: string;
  zone: string;
  /** '' detects the format from each file's first lines. */
  format: string;
  year: string;
  date: string;
  requestTimeUnit: RequestTimeUnit;
  /** '' imports a CSV by its column names. */
  mapping: string;
}

export const EMPTY_IMPORT_OPTIONS: ImportOptionValues = {
  track: '',
  service: '',
  version: '',
  zone: '',
  format: '',
  year: '',
  date: '',
  requestTimeUnit: 'us',
  mapping: '',
};

export type ImportRequestOptions = Omit<ApiInput<'ingest.start'>, 'files'>;

/**
 * The form as the API's options, or the first problem the page can see without asking (the
 * core checks everything again: the zone, the format, the mapping).
 */
export function importRequestOptions(
  values: ImportOptionValues,
): { ok: true; options: ImportRequestOptions } | { ok: false; message: string } {
  const options: ImportRequestOptions = { requestTimeUnit: values.requestTimeUnit };
  // Empty: the core's default zone (ingest.choices names it).
  if (values.zone.trim()) options.zone = values.zone.trim();
  if (values.track) options.track = values.track;
  if (values.service.trim()) options.service = values.service.trim();
  if (values.version.trim()) options.version = values.version.trim();
  if (values.format) options.format = values.format;
  if (values.mapping) options.mapping = values.mapping;
  if (values.year.trim()) {
    const year = parseImportYear(values.year);
    if (year === null) {
      return {
        ok: false,
        message: `Year: ${values.year.trim()} is not a year between ${IMPORT_YEAR_MIN} and ${IMPORT_YEAR_MAX}.`,
      };
    }
    options.year = year;
  }
  if (values.date.trim()) {
    if (parseImportDay(values.date) === null) {
      return { ok: false, message: `Date: ${values.date.trim()} is not a day written DD/MM/YYYY.` };
    }
    options.date = values.date.trim();
  }
  return { ok: true, options };
}

/** The options an import was started with, as a line a person reads under its results. */
export function describeImportOptions(options: ImportRequestOptions, choices: IngestChoices | null): string {
  const parts: string[] = [];
  if (options.track) parts.push(`track ${options.track}`);
  if (options.service) parts.push(`service ${options.service}`);
  if (options.version) parts.push(`version ${options.version}`);
  parts.push(`zone ${options.zone ?? choices?.defaultZone ?? 'the default'}`);
  if (options.format) parts.push(`format ${options.format}`);
  if (options.year !== undefined) parts.push(`year ${options.year}`);
  if (options.date) parts.push(`first day ${options.date}`);
  if (options.requestTimeUnit && options.requestTimeUnit !== choices?.defaultRequestTimeUnit) {
    parts.push(`request time in ${REQUEST_TIME_UNIT_LABELS[options.requestTimeUnit]}`);
  }
  if (options.mapping) parts.push(`CSV mapping ${options.mapping}`);
  return parts.join(' · ');
}

/** The zones this browser knows, offered as suggestions; the core is the judge of what it takes. */
const ZONES: readonly string[] = (() => {
  try {
    return ['UTC', ...Intl.supportedValuesOf('timeZone').filter((zone) => zone !== 'UTC')];
  } catch {
    return ['UTC', 'Europe/London'];
  }
})();

export function ImportOptionsForm({
  values,
  onChange,
  choices,
  choicesError,
}: {
  values: ImportOptionValues;
  onChange: (values: ImportOptionValues) => void;
  choices: IngestChoices | null;
  choicesError: string | null;
}) {
  const id = useId();
  const set =
    <K extends keyof ImportOptionValues>(key: K) =>
    (value: ImportOptionValues[K]): void =>
      onChange({ ...values, [key]: value });
  const mapping = choices?.csvMappings.find((m) => m.name === values.mapping) ?? null;
  const hint = (name: string): string => `${id}-${name}-hint`;

  return (
    <details className="import-options" data-testid="import-options">
      <summary data-testid="import-options-toggle">Options</summary>
      <p className="muted" id={hint('all')}>
        These options apply to every file of this import. Leave a field empty to take what the logs say.
      </p>
      {choicesError !== null && (
        <p className="error" role="alert">
          The lists of formats and CSV mappings could not be read: {choicesError}
        </p>
      )}
      <div className="import-options-grid" aria-describedby={hint('all')}>
        <label htmlFor={`${id}-track`}>Track of every event</label>
        <select
          id={`${id}-track`}
          value={values.track}
          data-testid="import-track"
          onChange={(e) => set('track')(e.target.value as ImportOptionValues['track'])}
        >
          <option value="">as the logs say (tagging rules)</option>
          <option value="canary">canary</option>
          <option value="stable">stable</option>
        </select>

        <label htmlFor={`${id}-service`}>Service</label>
        <input
          id={`${id}-service`}
          value={values.service}
          maxLength={1000}
          placeholder="as the logs say"
          data-testid="import-service"
          onChange={(e) => set('service')(e.target.value)}
        />

        <label htmlFor={`${id}-version`}>Version</label>
        <input
          id={`${id}-version`}
          value={values.version}
          maxLength={1000}
          placeholder="as the logs say"
          data-testid="import-version"
          onChange={(e) => set('version')(e.target.value)}
        />

        <label htmlFor={`${id}-zone`}>Zone of times without one</label>
        <span className="field">
          <input
            id={`${id}-zone`}
            value={values.zone}
            list={`${id}-zones`}
            maxLength={64}
            placeholder={choices?.defaultZone ?? ''}
            aria-describedby={hint('zone')}
            data-testid="import-zone"
            onChange={(e) => set('zone')(e.target.value)}
          />
          <datalist id={`${id}-zones`}>
            {ZONES.map((zone) => (
              <option key={zone} value={zone} />
            ))}
          </datalist>
          <small className="muted" id={hint('zone')}>
            An IANA name such as Europe/London or UTC; empty: {choices?.defaultZone ?? 'Europe/London'}. A time that
            names its offset keeps it.
          </small>
        </span>

        <label htmlFor={`${id}-format`}>Format</label>
        <select
          id={`${id}-format`}
          value={values.format}
          data-testid="import-format"
          onChange={(e) => set('format')(e.target.value)}
        >
          <option value="">Detect from content</option>
          {choices?.formats.map((f) => (
            <option key={f.name} value={f.name}>
              {f.label} ({f.name})
            </option>
          ))}
        </select>

        <label htmlFor={`${id}-date`}>Day of the first record</label>
        <span className="field">
          <input
            id={`${id}-date`}
            value={values.date}
            maxLength={10}
            placeholder="DD/MM/YYYY"
            inputMode="numeric"
            aria-describedby={hint('date')}
            data-testid="import-date"
            onChange={(e) => set('date')(e.target.value)}
          />
          <small className="muted" id={hint('date')}>
            For application logs that write only the time of day; otherwise a date in the file&apos;s name is used.
          </small>
        </span>

        <label htmlFor={`${id}-year`}>Year</label>
        <span className="field">
          <input
            id={`${id}-year`}
            value={values.year}
            maxLength={4}
            placeholder="YYYY"
            inputMode="numeric"
            aria-describedby={hint('year')}
            data-testid="import-year"
            onChange={(e) => set('year')(e.target.value)}
          />
          <small className="muted" id={hint('year')}>
            For syslog lines that write no year; otherwise the year the file was last changed.
          </small>
        </span>

        <label htmlFor={`${id}-unit`}>Request time unit</label>
        <span className="field">
          <select
            id={`${id}-unit`}
            value={values.requestTimeUnit}
            aria-describedby={hint('unit')}
            data-testid="import-request-time-unit"
            onChange={(e) => set('requestTimeUnit')(e.target.value as RequestTimeUnit)}
          >
            {REQUEST_TIME_UNITS.map((unit) => (
              <option key={unit} value={unit}>
                {REQUEST_TIME_UNIT_LABELS[unit]}
              </option>
            ))}
          </select>
          <small className="muted" id={hint('unit')}>
            Access logs: the unit of a whole number at the end of a line.
          </small>
        </span>

        <label htmlFor={`${id}-mapping`}>CSV mapping</label>
        <span className="field">
          <select
            id={`${id}-mapping`}
            value={values.mapping}
            disabled={!choices || choices.csvMappings.length === 0}
            aria-describedby={hint('mapping')}
            data-testid="import-mapping"
            onChange={(e) => set('mapping')(e.target.value)}
          >
            <option value="">
              {choices && choices.csvMappings.length === 0 ? 'none saved in this case' : 'columns by their names'}
            </option>
            {choices?.csvMappings.map((m) => (
              <option key={m.name} value={m.name}>
                {m.name}
              </option>
            ))}
          </select>
          <small className="muted" id={hint('mapping')} data-testid="import-mapping-columns">
            {mapping
              ? Object.entries(mapping.columns)
                  .map(([column, field]) => `${column} → ${field}`)
                  .join(', ')
              : 'Mappings are saved with coalmine import --map COLUMN=FIELD,… --mapping NAME.'}
          </small>
        </span>
      </div>
    </details>
  );
}
