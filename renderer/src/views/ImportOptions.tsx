// The options of one import, as `coalmine import` takes them: collapsed until the analyst
// needs them (most files say their own track, service and zone), the summary naming every
// option that changes the import, so none applies unseen. Lists come from the core
// (`ingest.choices`); every value, a saved mapping's column names included, renders as text.
import { type ReactNode, useId } from 'react';
import type { ApiInput, IngestChoices } from '../../../shared/api';
import {
  DEFAULT_REQUEST_TIME_UNIT,
  IMPORT_DAY_LENGTH,
  IMPORT_NAME_MAX,
  IMPORT_ZONE_MAX,
  REQUEST_TIME_UNITS,
  REQUEST_TIME_UNIT_LABELS,
  type RequestTimeUnit,
  importDayProblem,
  importYearProblem,
  parseImportDay,
  parseImportYear,
  refusedOption,
} from '../../../shared/importOptions';
import './importOptions.css';

/** The form's values, by the API's names for the options. */
export interface ImportOptionValues {
  track: '' | 'canary' | 'stable';
  service: string;
  version: string;
  /** The deployment environment of the records that name none. */
  environment: string;
  zone: string;
  /** '' detects the format from each file's first lines. */
  format: string;
  year: string;
  date: string;
  requestTimeUnit: RequestTimeUnit;
  /** '' imports a CSV by its column names. */
  mapping: string;
}

export type ImportOptionField = keyof ImportOptionValues;

export const EMPTY_IMPORT_OPTIONS: ImportOptionValues = {
  track: '',
  service: '',
  version: '',
  environment: '',
  zone: '',
  format: '',
  year: '',
  date: '',
  requestTimeUnit: DEFAULT_REQUEST_TIME_UNIT,
  mapping: '',
};

/** What the analyst reads beside each field: messages name a field by it, never by the API's name. */
export const IMPORT_OPTION_LABELS: Record<ImportOptionField, string> = {
  track: 'Track of every event',
  service: 'Service',
  version: 'Version',
  environment: 'Environment',
  zone: 'Zone of times without one',
  format: 'Format',
  date: 'Day of the first record',
  year: 'Year',
  requestTimeUnit: 'Request time unit',
  mapping: 'CSV mapping',
};

/** A value the page or the core refused, and the field of the form it belongs to. */
export interface ImportOptionProblem {
  field: ImportOptionField;
  reason: string;
}

export function importOptionProblemText(problem: ImportOptionProblem): string {
  return `${IMPORT_OPTION_LABELS[problem.field]}: ${problem.reason}`;
}

/**
 * The options of the next import after files are picked: every option starts again from its
 * default, so nothing set for the last import is applied unseen; the zone is kept (a case's
 * logs usually share one).
 */
export function freshImportOptions(last: ImportOptionValues): ImportOptionValues {
  return { ...EMPTY_IMPORT_OPTIONS, zone: last.zone };
}

/** The values against the lists just read: the default zone shown, a format or mapping gone from them dropped. */
export function importOptionsWithChoices(values: ImportOptionValues, choices: IngestChoices): ImportOptionValues {
  const next = { ...values };
  // The zone field shows the zone an empty one stands for, until the analyst types another.
  if (next.zone === '') next.zone = choices.defaultZone;
  if (next.format !== '' && !choices.formats.some((f) => f.name === next.format)) next.format = '';
  if (next.mapping !== '' && !choices.csvMappings.some((m) => m.name === next.mapping)) next.mapping = '';
  return next;
}

/** The field a refusal of `ingest.start` by the core names, when it names one the form shows. */
export function refusedImportOption(error: unknown): ImportOptionProblem | null {
  if (!(error instanceof Error) || (error.name !== 'BAD_INPUT' && error.name !== 'NOT_FOUND')) return null;
  const refused = refusedOption(error.message);
  if (refused === null || !(refused.key in IMPORT_OPTION_LABELS)) return null;
  return { field: refused.key as ImportOptionField, reason: refused.reason };
}

export type ImportRequestOptions = Omit<ApiInput<'ingest.start'>, 'files'>;

/**
 * The form as the API's options, or the first problem the page can see without asking (the
 * core checks everything again: the zone, the format, the mapping).
 */
export function importRequestOptions(
  values: ImportOptionValues,
): { ok: true; options: ImportRequestOptions } | { ok: false; problem: ImportOptionProblem } {
  const options: ImportRequestOptions = { requestTimeUnit: values.requestTimeUnit };
  // Empty: the core's default zone (ingest.choices names it).
  if (values.zone.trim()) options.zone = values.zone.trim();
  if (values.track) options.track = values.track;
  if (values.service.trim()) options.service = values.service.trim();
  if (values.version.trim()) options.version = values.version.trim();
  if (values.environment.trim()) options.environment = values.environment.trim();
  if (values.format) options.format = values.format;
  if (values.mapping) options.mapping = values.mapping;
  if (values.year.trim()) {
    const year = parseImportYear(values.year);
    if (year === null) return { ok: false, problem: { field: 'year', reason: importYearProblem(values.year) } };
    options.year = year;
  }
  if (values.date.trim()) {
    if (parseImportDay(values.date) === null) {
      return { ok: false, problem: { field: 'date', reason: importDayProblem(values.date) } };
    }
    options.date = values.date.trim();
  }
  return { ok: true, options };
}

/** An import's options as phrases a person reads, in the form's order. */
function optionPhrases(
  options: {
    track?: string | undefined;
    service?: string | undefined;
    version?: string | undefined;
    environment?: string | undefined;
    zone?: string | undefined;
    format?: string | undefined;
    year?: string | number | undefined;
    date?: string | undefined;
    requestTimeUnit?: RequestTimeUnit | undefined;
    mapping?: string | undefined;
  },
  choices: IngestChoices | null,
): string[] {
  const parts: string[] = [];
  if (options.track) parts.push(`track ${options.track}`);
  if (options.service) parts.push(`service ${options.service}`);
  if (options.version) parts.push(`version ${options.version}`);
  if (options.environment) parts.push(`environment ${options.environment} where the logs name none`);
  if (options.zone) parts.push(`zone ${options.zone}`);
  if (options.format) parts.push(`format ${options.format}`);
  if (options.year !== undefined && options.year !== '') parts.push(`year ${options.year}`);
  if (options.date) parts.push(`first day ${options.date}`);
  const defaultUnit = choices?.defaultRequestTimeUnit ?? DEFAULT_REQUEST_TIME_UNIT;
  if (options.requestTimeUnit && options.requestTimeUnit !== defaultUnit) {
    parts.push(`request time in ${REQUEST_TIME_UNIT_LABELS[options.requestTimeUnit]}`);
  }
  if (options.mapping) parts.push(`CSV mapping ${options.mapping}`);
  return parts;
}

/** The options an import was started with, as a line a person reads under its results. */
export function describeImportOptions(options: ImportRequestOptions, choices: IngestChoices | null): string {
  return optionPhrases({ ...options, zone: options.zone ?? choices?.defaultZone ?? 'the default' }, choices).join(
    ' · ',
  );
}

/**
 * The options that change this import from what the logs say, for the Options' summary, so
 * none is hidden while the Options are closed. The default zone is no change, and is left out.
 */
export function activeImportOptions(values: ImportOptionValues, choices: IngestChoices | null): string[] {
  const zone = values.zone.trim();
  return optionPhrases(
    {
      track: values.track,
      service: values.service.trim(),
      version: values.version.trim(),
      environment: values.environment.trim(),
      zone: zone !== '' && zone !== choices?.defaultZone ? zone : '',
      format: values.format,
      year: values.year.trim(),
      date: values.date.trim(),
      requestTimeUnit: values.requestTimeUnit,
      mapping: values.mapping,
    },
    choices,
  );
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
  open,
  onToggle,
  problem,
}: {
  values: ImportOptionValues;
  onChange: (values: ImportOptionValues) => void;
  choices: IngestChoices | null;
  choicesError: string | null;
  /** Whether the Options are shown: the panel opens them when a value of theirs is refused. */
  open: boolean;
  onToggle: (open: boolean) => void;
  /** The value refused last, marked on its field until the analyst changes it. */
  problem: ImportOptionProblem | null;
}) {
  const id = useId();
  const set =
    <K extends keyof ImportOptionValues>(key: K) =>
    (value: ImportOptionValues[K]): void =>
      onChange({ ...values, [key]: value });
  const mapping = choices?.csvMappings.find((m) => m.name === values.mapping) ?? null;
  const hint = (name: string): string => `${id}-${name}-hint`;
  const errorId = (field: ImportOptionField): string => `${id}-${field}-error`;
  /** A field's id, and its refusal (when it has one) as the first thing read about it. */
  const field = (name: ImportOptionField, hinted: boolean) => {
    const invalid = problem?.field === name;
    const described = [invalid ? errorId(name) : null, hinted ? hint(name) : null].filter((x) => x !== null);
    return {
      id: `${id}-${name}`,
      'aria-invalid': invalid || undefined,
      'aria-describedby': described.length > 0 ? described.join(' ') : undefined,
    };
  };
  const refusal = (name: ImportOptionField): ReactNode =>
    problem?.field === name ? (
      <small className="error" id={errorId(name)} data-testid="import-option-error">
        {problem.reason}
      </small>
    ) : null;
  const label = (name: ImportOptionField): ReactNode => (
    <label htmlFor={`${id}-${name}`}>{IMPORT_OPTION_LABELS[name]}</label>
  );
  const active = activeImportOptions(values, choices);

  return (
    <details
      className="import-options"
      data-testid="import-options"
      open={open}
      onToggle={(e) => onToggle(e.currentTarget.open)}
    >
      <summary data-testid="import-options-toggle">
        {active.length > 0 ? `Options: ${active.join(', ')}` : 'Options'}
      </summary>
      <p className="muted" id={hint('all')}>
        These options apply to every file of this import, and start again from the defaults when files are picked (the
        zone is kept). Leave a field empty to take what the logs say.
      </p>
      {choicesError !== null && (
        <p className="error" role="alert">
          The lists of formats and CSV mappings could not be read: {choicesError}
        </p>
      )}
      <div className="import-options-grid" aria-describedby={hint('all')}>
        {label('track')}
        <span className="field">
          <select
            {...field('track', false)}
            value={values.track}
            data-testid="import-track"
            onChange={(e) => set('track')(e.target.value as ImportOptionValues['track'])}
          >
            <option value="">as the logs say (tagging rules)</option>
            <option value="canary">canary</option>
            <option value="stable">stable</option>
          </select>
          {refusal('track')}
        </span>

        {label('service')}
        <span className="field">
          <input
            {...field('service', false)}
            value={values.service}
            maxLength={IMPORT_NAME_MAX}
            placeholder="as the logs say"
            data-testid="import-service"
            onChange={(e) => set('service')(e.target.value)}
          />
          {refusal('service')}
        </span>

        {label('version')}
        <span className="field">
          <input
            {...field('version', false)}
            value={values.version}
            maxLength={IMPORT_NAME_MAX}
            placeholder="as the logs say"
            data-testid="import-version"
            onChange={(e) => set('version')(e.target.value)}
          />
          {refusal('version')}
        </span>

        {label('environment')}
        <span className="field">
          <input
            {...field('environment', false)}
            value={values.environment}
            maxLength={IMPORT_NAME_MAX}
            placeholder="as the logs say (staging, production, …)"
            data-testid="import-environment"
            onChange={(e) => set('environment')(e.target.value)}
          />
          {refusal('environment')}
        </span>

        {label('zone')}
        <span className="field">
          <input
            {...field('zone', true)}
            value={values.zone}
            list={`${id}-zones`}
            maxLength={IMPORT_ZONE_MAX}
            placeholder={choices?.defaultZone ?? ''}
            data-testid="import-zone"
            onChange={(e) => set('zone')(e.target.value)}
          />
          <datalist id={`${id}-zones`}>
            {ZONES.map((zone) => (
              <option key={zone} value={zone} />
            ))}
          </datalist>
          {refusal('zone')}
          <small className="muted" id={hint('zone')}>
            An IANA name such as Europe/London or UTC; empty: {choices?.defaultZone ?? 'the case’s default zone'}. A
            time that names its offset keeps it.
          </small>
        </span>

        {label('format')}
        <span className="field">
          <select
            {...field('format', false)}
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
          {refusal('format')}
        </span>

        {label('date')}
        <span className="field">
          <input
            {...field('date', true)}
            value={values.date}
            maxLength={IMPORT_DAY_LENGTH}
            placeholder="DD/MM/YYYY"
            inputMode="numeric"
            data-testid="import-date"
            onChange={(e) => set('date')(e.target.value)}
          />
          {refusal('date')}
          <small className="muted" id={hint('date')}>
            For application logs that write only the time of day; otherwise a date in the file&apos;s name is used.
          </small>
        </span>

        {label('year')}
        <span className="field">
          <input
            {...field('year', true)}
            value={values.year}
            maxLength={4}
            placeholder="YYYY"
            inputMode="numeric"
            data-testid="import-year"
            onChange={(e) => set('year')(e.target.value)}
          />
          {refusal('year')}
          <small className="muted" id={hint('year')}>
            For syslog lines that write no year; otherwise the year the file was last changed.
          </small>
        </span>

        {label('requestTimeUnit')}
        <span className="field">
          <select
            {...field('requestTimeUnit', true)}
            value={values.requestTimeUnit}
            data-testid="import-request-time-unit"
            onChange={(e) => set('requestTimeUnit')(e.target.value as RequestTimeUnit)}
          >
            {REQUEST_TIME_UNITS.map((unit) => (
              <option key={unit} value={unit}>
                {REQUEST_TIME_UNIT_LABELS[unit]}
              </option>
            ))}
          </select>
          {refusal('requestTimeUnit')}
          <small className="muted" id={hint('requestTimeUnit')}>
            Access logs: the unit of a whole number at the end of a line.
          </small>
        </span>

        {label('mapping')}
        <span className="field">
          <select
            {...field('mapping', true)}
            value={values.mapping}
            disabled={!choices || choices.csvMappings.length === 0}
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
          {refusal('mapping')}
          <small className="muted" id={hint('mapping')} data-testid="import-mapping-columns">
            {mapping
              ? Object.entries(mapping.columns)
                  .map(([column, target]) => `${column} → ${target}`)
                  .join(', ')
              : 'Mappings are saved with coalmine import --map COLUMN=FIELD,… --mapping NAME.'}
          </small>
        </span>
      </div>
    </details>
  );
}
