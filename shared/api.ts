// The one contract between the UI and the core (STYLE.md, "The API between UI and core").
// Every method has an input schema, checked wherever a call enters the core (IPC in
// Electron, HTTP in web mode), and a result type. Channels are `coalmine:<domain>:<verb>`.
import { z } from 'zod';
import {
  ANALYSIS_SETTING_KEYS,
  type AnalysisSettingKey,
  type AnalysisSettings,
  analysisSettingsSchema,
} from './analysisSettings.js';
import {
  IMPORT_DAY_LENGTH,
  IMPORT_FORMAT_MAX,
  IMPORT_MAPPING_NAME_MAX,
  IMPORT_NAME_MAX,
  IMPORT_YEAR_MAX,
  IMPORT_YEAR_MIN,
  IMPORT_ZONE_MAX,
  REQUEST_TIME_UNITS,
  type RequestTimeUnit,
  importDayProblem,
  parseImportDay,
} from './importOptions.js';
import type { Track } from './logEvent.js';
import {
  REVIEW_FORMATS,
  type ReviewAffected,
  type ReviewDocument,
  type ReviewFormat,
  type ReviewNotes,
  reviewNotesSchema,
} from './review.js';
import type { RetagResult, TaggingState } from './taggingRules.js';

const rolloutId = z
  .string()
  .min(1)
  .max(4000)
  .regex(/^[\w.@:%+-]+$/, 'a rollout id holds letters, digits and . @ : % + - _ only');

/** Opaque ids the core hands out for picked files and jobs: never a path. */
const opaqueId = z.string().regex(/^[\w-]{8,64}$/, 'not an id this app handed out');

const secret = z.string().min(1).max(4096);

/** An Elasticsearch pull as the UI asks for it (the CLI's `coalmine pull` takes the same). */
export const pullStartInput = z
  .object({
    url: z.string().min(1).max(2000),
    index: z.string().min(1).max(1000),
    /** ISO 8601 with an offset, or DD/MM/YYYY HH:mm:ss in `zone`; the window is [from, to). */
    from: z.string().min(1).max(100),
    to: z.string().min(1).max(100),
    query: z.string().max(20_000).optional(),
    zone: z.string().min(1).max(100).optional(),
    pageSize: z.number().int().min(1).max(10_000).optional(),
    auth: z
      .discriminatedUnion('kind', [
        z.object({ kind: z.literal('none') }).strict(),
        z.object({ kind: z.literal('apiKey'), apiKey: secret }).strict(),
        z.object({ kind: z.literal('basic'), username: z.string().min(1).max(1000), password: secret }).strict(),
      ])
      .optional(),
    tls: z
      .object({
        /** PEM text of the cluster's CA (no path crosses from the renderer). */
        caPem: z.string().min(1).max(200_000).optional(),
        fingerprint: z.string().min(1).max(200).optional(),
        insecureSkipVerify: z.boolean().optional(),
      })
      .strict()
      .optional(),
    track: z.enum(['canary', 'stable']).optional(),
    service: z.string().min(1).max(1000).optional(),
    version: z.string().min(1).max(1000).optional(),
    /** For the hits that name no deployment environment. */
    environment: z.string().trim().min(1).max(IMPORT_NAME_MAX).optional(),
  })
  .strict();

export const apiMethods = {
  'case.info': { channel: 'coalmine:case:info', input: z.object({}).strict() },
  // No path crosses from the renderer: the desktop app asks with its own file dialog.
  'case.open': { channel: 'coalmine:case:open', input: z.object({ readOnly: z.boolean() }).strict() },
  'rollout.list': { channel: 'coalmine:rollout:list', input: z.object({}).strict() },
  'rollout.analyse': {
    channel: 'coalmine:rollout:analyse',
    input: z.object({ rolloutId }).strict(),
  },
  'rollout.define': {
    channel: 'coalmine:rollout:define',
    input: z
      .object({
        service: z.string().min(1).max(500),
        /** The deployment environment; left out, the events that name none. */
        environment: z.string().trim().min(1).max(500).optional(),
        canaryVersion: z.string().min(1).max(500),
        stableVersion: z.string().min(1).max(500).optional(),
        /**
         * DD/MM/YYYY HH:mm:ss in Europe/London, or ISO 8601 with an offset; left out, the canary's
         * own first (or last) event.
         */
        from: z.string().min(1).max(64).optional(),
        to: z.string().min(1).max(64).optional(),
      })
      .strict(),
  },
  'rollout.remove': { channel: 'coalmine:rollout:remove', input: z.object({ rolloutId }).strict() },
  'settings.get': { channel: 'coalmine:settings:get', input: z.object({}).strict() },
  'settings.update': {
    channel: 'coalmine:settings:update',
    input: z.object({ changes: analysisSettingsSchema.partial() }).strict(),
  },
  // Removes the saved values of these settings, so they take their defaults again (as
  // `coalmine settings --reset`); a value saved equal to the default is not the same thing.
  'settings.reset': {
    channel: 'coalmine:settings:reset',
    input: z
      .object({
        keys: z
          .array(z.enum(ANALYSIS_SETTING_KEYS as [string, ...string[]]))
          .min(1)
          .max(100),
      })
      .strict(),
  },
  // The case's track tagging rules (shared/taggingRules.ts), edited on the page as with
  // `coalmine tags`, and re-tagging without re-importing. Saved rules get the CLI's own check
  // (parseTaggingRules), whose message names each rule and field; here only their outline.
  'tagging.get': { channel: 'coalmine:tagging:get', input: z.object({}).strict() },
  'tagging.save': {
    channel: 'coalmine:tagging:save',
    input: z.object({ rules: z.array(z.record(z.string(), z.unknown())).max(1000) }).strict(),
  },
  // Deletes the case's own rules, so the defaults apply (as `coalmine tags --reset`, without its re-tag).
  'tagging.reset': { channel: 'coalmine:tagging:reset', input: z.object({}).strict() },
  'tagging.retag': { channel: 'coalmine:tagging:retag', input: z.object({}).strict() },
  // The review (shared/review.ts): exported in one format, shown for editing, and the notes the
  // analyst writes into it. Personal data is pseudonymised unless the caller says otherwise.
  'review.export': {
    channel: 'coalmine:review:export',
    input: z.object({ rolloutId, format: z.enum(REVIEW_FORMATS), pseudonymise: z.boolean() }).strict(),
  },
  'review.document': {
    channel: 'coalmine:review:document',
    input: z.object({ rolloutId, pseudonymise: z.boolean() }).strict(),
  },
  'review.notes.get': { channel: 'coalmine:review:notes:get', input: z.object({ rolloutId }).strict() },
  'review.notes.save': {
    channel: 'coalmine:review:notes:save',
    input: z.object({ rolloutId, notes: reviewNotesSchema }).strict(),
  },
  // Files come from the desktop app's dialog or web mode's --import-dir folder, never from a path
  // the renderer names: it gets ids for the picked files and imports by id.
  'ingest.pick': { channel: 'coalmine:ingest:pick', input: z.object({}).strict() },
  // The options of `coalmine import`, for every file of the import; the core checks them again
  // (a real zone, a known format, a mapping saved in the case) and names the bad one.
  'ingest.start': {
    channel: 'coalmine:ingest:start',
    input: z
      .object({
        files: z.array(opaqueId).min(1).max(1000),
        track: z.enum(['canary', 'stable']).optional(),
        service: z.string().trim().min(1).max(IMPORT_NAME_MAX).optional(),
        version: z.string().trim().min(1).max(IMPORT_NAME_MAX).optional(),
        /** The deployment environment of the records that name none (their own is kept). */
        environment: z.string().trim().min(1).max(IMPORT_NAME_MAX).optional(),
        zone: z.string().min(1).max(IMPORT_ZONE_MAX).optional(),
        format: z.string().min(1).max(IMPORT_FORMAT_MAX).optional(),
        year: z.number().int().min(IMPORT_YEAR_MIN).max(IMPORT_YEAR_MAX).optional(),
        /** DD/MM/YYYY: the day of the first record of a log that writes only the time of day. */
        date: z
          .string()
          .max(IMPORT_DAY_LENGTH)
          .superRefine((text, ctx) => {
            if (parseImportDay(text) === null) ctx.addIssue({ code: 'custom', message: importDayProblem(text) });
          })
          .optional(),
        requestTimeUnit: z.enum(REQUEST_TIME_UNITS).optional(),
        /** The name of a CSV column mapping saved in the case (`ingest.choices` lists them). */
        mapping: z.string().min(1).max(IMPORT_MAPPING_NAME_MAX).optional(),
      })
      .strict(),
  },
  'ingest.choices': { channel: 'coalmine:ingest:choices', input: z.object({}).strict() },
  'job.status': { channel: 'coalmine:job:status', input: z.object({ jobId: opaqueId }).strict() },
  'job.cancel': { channel: 'coalmine:job:cancel', input: z.object({ jobId: opaqueId }).strict() },
  // An Elasticsearch pull runs as a job too. Credentials cross once, into main; no status,
  // result or error ever carries them back.
  'pull.start': { channel: 'coalmine:pull:start', input: pullStartInput },
  'pull.status': { channel: 'coalmine:pull:status', input: z.object({ jobId: opaqueId }).strict() },
  'pull.cancel': { channel: 'coalmine:pull:cancel', input: z.object({ jobId: opaqueId }).strict() },
} as const;

export type ApiMethod = keyof typeof apiMethods;
export type ApiInput<M extends ApiMethod> = z.infer<(typeof apiMethods)[M]['input']>;

export const API_METHODS = Object.keys(apiMethods) as ApiMethod[];

export function isApiMethod(name: string): name is ApiMethod {
  return Object.hasOwn(apiMethods, name);
}

/** What a source holds, counted as it is written (and shown in `coalmine sources`). */
export interface SourceCounts {
  /** Lines read (for an Elasticsearch pull, hits read). */
  lines: number;
  events: number;
  rejects: number;
  /** Events marked as authentication failures, and events that carry an exception. */
  authFailures: number;
  exceptions: number;
  /** Metric samples (CPU, memory) read from metric documents. */
  metrics: number;
  /**
   * Hits whose Elasticsearch document (same index and id) the case already held, from another
   * complete source or earlier in this one: not stored again, so never counted twice.
   */
  duplicates: number;
}

export interface SourceSummary extends SourceCounts {
  id: number;
  path: string;
  name: string;
  size: number;
  sha256: string;
  format: string;
  zone: string;
  importedAt: number;
  state: 'importing' | 'complete' | 'incomplete';
  /**
   * How the source was read, for the evidence appendix: for an Elasticsearch pull the
   * cluster, index, query, window, hit count and time; for CSV the column mapping; …
   */
  details: Record<string, unknown> | null;
}

export interface CaseInfo {
  path: string;
  name: string;
  readOnly: boolean;
  /** True in the desktop app, which can open another case through its file dialog. */
  canOpenOther: boolean;
  /** True where this window can pick log files to import and the case is writable. */
  canImport: boolean;
  events: number;
  sources: SourceSummary[];
}

export interface Rollout {
  /**
   * Stable across runs: `<service>@<canaryVersion>`, and `<service>@<canaryVersion>@<environment>`
   * for a rollout in a named environment (rolloutIdOf).
   */
  id: string;
  service: string;
  /**
   * The deployment environment (staging, production, …) as the logs name it; both cohorts are
   * this environment's only. Null where the events name none (they are judged together).
   */
  environment: string | null;
  /** A defined rollout compares with this stable version only; a found one names the most common. */
  stableVersion: string | null;
  canaryVersion: string;
  /** The window, ISO 8601 UTC, with its `Uk` twin (DD/MM/YYYY HH:mm:ss, Europe/London). */
  from: string;
  to: string;
  fromUk: string;
  toUk: string;
  /** The same window in UTC epoch ms (inclusive bounds). */
  fromMs: number;
  toMs: number;
  /** Found in the events, or defined (or adjusted) by the user and saved with the case. */
  origin: 'found' | 'defined';
  canaryEvents: number;
  stableEvents: number;
}

export type MetricUnit = 'count' | 'ratio' | 'ms' | 'per1000' | 'percent' | 'value';

export type RowKind = 'volume' | 'rate' | 'latency' | 'resource' | 'business';

export type TestName = 'two-proportion-z' | 'fisher-exact' | 'mann-whitney-u';

/** What a row asks of the person reading it. */
export type RowAction = 'none' | 'rollback' | 'hold' | 'investigate' | 'alert' | 'pre-existing' | 'insufficient-data';

export interface ComparisonRow {
  /** `requests`, `rate5xx`, …, `cpu:<metric name>`, `business:<measure name>`. */
  metric: string;
  label: string;
  unit: MetricUnit;
  kind: RowKind;
  stable: number | null;
  canary: number | null;
  /**
   * (canary - stable) / stable. Null where it has no meaning: a missing value, or stable 0
   * (then `varianceNote` says why).
   */
  variance: number | null;
  varianceNote: string | null;
  /**
   * The counts behind a rate and what they are counted over (requests; a measure's denominator).
   * On the p95 and p99 latency rows: the requests slower than stable's percentile, of those
   * with a latency (what the row's tail test compares).
   */
  stableCount: number | null;
  canaryCount: number | null;
  stableDenominator: number | null;
  canaryDenominator: number | null;
  /** 95 % exact (Clopper–Pearson) interval of a rate, in the row's unit. */
  stableCi: [number, number] | null;
  canaryCi: [number, number] | null;
  /**
   * Two-sided test of the difference between the tracks. Latency: Mann–Whitney U on the mean
   * and p50 rows; on p95 and p99, the share of requests slower than stable's percentile.
   */
  pValue: number | null;
  test: TestName | null;
  action: RowAction;
}

export interface TrackTotals {
  track: Exclude<Track, 'unknown'>;
  events: number;
  requests: number;
  latencySamples: number;
}

/**
 * What rates per 1,000 and the minimum traffic are counted over: requests (events with an HTTP
 * status), or events when neither track logged any request (sshd, a worker's application log).
 */
export type VolumeUnit = 'requests' | 'events';

export type Decision = 'promote' | 'hold' | 'rollback' | 'inconclusive';

export type RuleOutcome = 'pass' | 'pre-existing' | 'investigate' | 'alert' | 'hold' | 'rollback' | 'insufficient-data';

export interface VerdictReason {
  /** Stable rule name: `error-rate`, `p95-regression`, `new-exception`, `auth-surge`, … */
  rule: string;
  metric: string;
  unit: MetricUnit;
  stable: number | null;
  canary: number | null;
  threshold: number | null;
  pValue: number | null;
  outcome: RuleOutcome;
  /** Whether this outcome keeps the rollout from being promoted. */
  blocks: boolean;
  /** The rule as a sentence a person can check against the figures. */
  text: string;
}

export interface Verdict {
  decision: Decision;
  summary: string;
  reasons: VerdictReason[];
}

export interface AuthRuleCounts {
  stable: number;
  canary: number;
  stablePer1000: number | null;
  canaryPer1000: number | null;
}

export interface AuthSource {
  kind: 'user' | 'ip' | 'path';
  value: string;
  canary: number;
  stable: number;
}

export interface AuthFailures {
  stable: number;
  canary: number;
  stablePer1000: number | null;
  canaryPer1000: number | null;
  pValue: number | null;
  byRule: Record<string, AuthRuleCounts>;
  /** Failures per bucket (`bucketMinutes`), buckets with none left out. */
  series: { start: string; startUk: string; stable: number; canary: number }[];
  topSources: AuthSource[];
  /** Principals and client IPs that fail on the canary and never on stable in the window. */
  canaryOnly: { kind: 'user' | 'ip'; value: string; canary: number }[];
}

export interface SurgeDriver {
  kind: 'path' | 'user' | 'ip';
  value: string;
  count: number;
}

export interface Surge {
  status: 401 | 403;
  track: 'canary';
  /** First bucket's start and last bucket's end (exclusive), ISO 8601 UTC, with `Uk` twins. */
  start: string;
  end: string;
  startUk: string;
  endUk: string;
  /** Start of the bucket with the canary's highest rate. */
  peak: string;
  peakUk: string;
  buckets: number;
  canaryCount: number;
  stableCount: number;
  canaryRequests: number;
  stableRequests: number;
  canaryRate: number;
  stableRate: number;
  /** The canary's own rate over its earlier baseline buckets; null when the surge starts it. */
  baselineRate: number | null;
  /** Smallest Benjamini–Hochberg adjusted p-value among its buckets. */
  pValue: number;
  drivers: SurgeDriver[];
}

export type ExceptionStatus = 'new' | 'spike' | 'shared' | 'stable-only';

export interface ExceptionGroup {
  fingerprint: string;
  type: string | null;
  /** The message template (numbers, ids, hex, UUIDs and quoted values masked). */
  message: string;
  /** One raw message as logged. */
  example: string | null;
  topFrames: string[];
  canaryCount: number;
  stableCount: number;
  canaryPer1000: number | null;
  stablePer1000: number | null;
  firstSeen: string;
  firstSeenUk: string;
  lastSeen: string;
  lastSeenUk: string;
  status: ExceptionStatus;
  /** Seen for this service before the window (an earlier rollout or stable), so not new. */
  seenBefore: boolean;
  /** One-sided test that the canary's rate is the higher. */
  pValue: number | null;
}

export interface Analysis {
  /** Version of this shape (docs/schema/analysis.schema.json). */
  schemaVersion: 1;
  rollout: Rollout;
  settings: AnalysisSettings;
  totals: TrackTotals[];
  verdict: Verdict;
  /** What the rates per 1,000 and the minimum traffic count (always given by the judge). */
  volumeUnit?: VolumeUnit;
  comparison: ComparisonRow[];
  authFailures: AuthFailures;
  surges: Surge[];
  newExceptions: ExceptionGroup[];
  /** Every exception group of the window: new, spiking, shared, stable only. */
  exceptions: ExceptionGroup[];
  /** Sources whose import did not finish: their events are not counted. */
  excludedSources: SourceSummary[];
}

/**
 * A rollout as the page shows it: the analysis, and the review's "Who was affected" section
 * built from that same analysis in the same read transaction (names in clear).
 */
export interface RolloutAnalysis extends Analysis {
  affected: ReviewAffected;
}

export interface SettingsResult {
  settings: AnalysisSettings;
  defaults: AnalysisSettings;
  /** The settings with a value saved in the case; the others take their defaults. */
  saved: AnalysisSettingKey[];
}

export interface ApiResults {
  'case.info': CaseInfo;
  /** Null when the user cancelled the dialog. */
  'case.open': CaseInfo | null;
  'rollout.list': Rollout[];
  'rollout.analyse': RolloutAnalysis;
  'rollout.define': Rollout;
  'rollout.remove': Rollout[];
  'settings.get': SettingsResult;
  'settings.update': SettingsResult;
  'settings.reset': SettingsResult;
  'tagging.get': TaggingState;
  'tagging.save': TaggingState;
  'tagging.reset': TaggingState;
  'tagging.retag': RetagResult;
  'review.export': ReviewExport;
  'review.document': ReviewDocument;
  'review.notes.get': ReviewNotes;
  'review.notes.save': ReviewNotes;
  /** Null when the user cancelled the dialog or this window cannot pick files. */
  'ingest.pick': PickedFiles | null;
  'ingest.start': { jobId: string };
  'ingest.choices': IngestChoices;
  'job.status': JobStatus;
  'job.cancel': JobStatus;
  'pull.start': { jobId: string };
  'pull.status': PullJobStatus;
  'pull.cancel': PullJobStatus;
}

/** One exported review: text formats as UTF-8 text, the PDF as base64 (IPC and JSON carry text). */
export interface ReviewExport {
  format: ReviewFormat;
  /** `review-<rollout>.<ext>`, safe as a file name on every system. */
  fileName: string;
  mediaType: string;
  encoding: 'utf8' | 'base64';
  content: string;
}

export interface PullJobStatus {
  jobId: string;
  state: 'running' | 'done' | 'failed' | 'cancelled';
  progress: PullProgress | null;
  /** Set when the pull ended (done, or cancelled with what it read kept). */
  result: PullSummary | null;
  error: string | null;
}

export interface PickedFiles {
  /** The folder the files were listed from (web mode), or null (the desktop app's dialog). */
  folder: string | null;
  files: { id: string; name: string; size: number }[];
}

/** What an import can be told, for the page's form to offer as lists. */
export interface IngestChoices {
  /** The formats Coalmine reads: `name` is what `format` takes, `label` what a person reads. */
  formats: { name: string; label: string }[];
  /** The CSV column mappings saved in this case: each column's field. */
  csvMappings: { name: string; columns: Record<string, string> }[];
  /** The zone of times written without one when the import names none. */
  defaultZone: string;
  defaultRequestTimeUnit: RequestTimeUnit;
}

export interface ImportFileResult {
  name: string;
  state: 'complete' | 'incomplete' | 'skipped';
  format: string;
  events: number;
  rejects: number;
  authFailures: number;
  exceptions: number;
  /** The first rejected lines, with their reasons. */
  rejectSample: { line: number; reason: string }[];
  /** The source that already holds these bytes, when the file was skipped as a duplicate. */
  duplicateOf: number | null;
}

export interface JobStatus {
  jobId: string;
  state: 'running' | 'done' | 'failed' | 'cancelled';
  filesTotal: number;
  filesDone: number;
  currentFile: string | null;
  /** Of the file being read now. */
  progress: IngestProgress | null;
  results: ImportFileResult[];
  error: string | null;
}

/** What a pull did; never holds a credential. */
export interface PullSummary {
  sourceId: number | null;
  path: string;
  sha256: string;
  cluster: { name: string; uuid: string };
  hitsTotal: number | null;
  hits: number;
  events: number;
  rejects: number;
  authFailures: number;
  exceptions: number;
  pages: number;
  pitReopened: number;
  /** Hits whose document the case already held (see SourceCounts.duplicates): not counted again. */
  duplicates: number;
  /** The sources that hold those documents. */
  duplicatesHeldBy: number[];
  /** Set when the same hits were already pulled or imported: nothing was added. */
  duplicateOf: SourceSummary | null;
  replaced: number[];
  overlaps: number[];
  state: 'complete' | 'incomplete' | 'skipped';
  message: string | null;
}

export interface PullProgress {
  /** The pull's source path (a URL-like name without credentials). */
  sourcePath: string;
  hitsDone: number;
  /** `hits.total` of the first page; null before it or when the cluster does not say. */
  hitsTotal: number | null;
  events: number;
  rejects: number;
  hitsPerSecond: number;
  secondsLeft: number | null;
}

export interface IngestProgress {
  sourcePath: string;
  bytesDone: number;
  bytesTotal: number;
  events: number;
  rejects: number;
  eventsPerSecond: number;
  secondsLeft: number | null;
}

/**
 * What the renderer sees as `window.coalmine` (Electron) or through HTTP (web mode): one
 * function per method.
 */
export type CoalmineApi = {
  [M in ApiMethod]: (input: ApiInput<M>) => Promise<ApiResults[M]>;
};

/**
 * Main to renderer: the desktop app's Export menu asks the window to export the review of the
 * rollout it shows, in this format, through the same flow as the page's own Export menu.
 */
export const MENU_EXPORT_CHANNEL = 'coalmine:menu:export';

/** What the desktop app's preload adds to `window.coalmine`: one subscription per event stream. */
export interface DesktopEvents {
  /** Calls `listener` on each Export menu click; returns the unsubscribe. */
  onMenuExport(listener: (format: ReviewFormat) => void): () => void;
}
