// The one contract between the UI and the core (STYLE.md, "The API between UI and core").
// Every method has an input schema, checked wherever a call enters the core (IPC in
// Electron, HTTP in web mode), and a result type. Channels are `coalmine:<domain>:<verb>`.
import { z } from 'zod';
import type { Track } from './logEvent.js';

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
  'review.export': {
    channel: 'coalmine:review:export',
    input: z.object({ rolloutId, format: z.literal('md') }).strict(),
  },
  // Files come from the desktop app's dialog or web mode's --import-dir folder, never from a path
  // the renderer names: it gets ids for the picked files and imports by id.
  'ingest.pick': { channel: 'coalmine:ingest:pick', input: z.object({}).strict() },
  'ingest.start': {
    channel: 'coalmine:ingest:start',
    input: z
      .object({
        files: z.array(opaqueId).min(1).max(1000),
        track: z.enum(['canary', 'stable']).optional(),
        zone: z.string().min(1).max(64).optional(),
        format: z.string().min(1).max(64).optional(),
      })
      .strict(),
  },
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

export interface SourceSummary {
  id: number;
  path: string;
  name: string;
  size: number;
  sha256: string;
  format: string;
  zone: string;
  importedAt: number;
  state: 'importing' | 'complete' | 'incomplete';
  lines: number;
  events: number;
  rejects: number;
  /** Events marked as authentication failures, and events that carry an exception. */
  authFailures: number;
  exceptions: number;
  /** Metric samples (CPU, memory) read from metric documents. */
  metrics: number;
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
  /** Stable across runs: `<service>@<canaryVersion>`. */
  id: string;
  service: string;
  stableVersion: string | null;
  canaryVersion: string;
  /** UTC epoch ms: the window in which canary events of this version exist. */
  from: number;
  to: number;
  canaryEvents: number;
  stableEvents: number;
}

export type MetricKey = 'requests' | 'rate5xx' | 'rate4xx' | 'rate401' | 'rate403' | 'latencyMean' | 'latencyP95';

export type MetricUnit = 'count' | 'ratio' | 'ms';

export interface ComparisonRow {
  metric: MetricKey;
  label: string;
  unit: MetricUnit;
  stable: number | null;
  canary: number | null;
  /**
   * (canary - stable) / stable. Null where it has no meaning: a missing value, or stable 0
   * (then `varianceNote` says why).
   */
  variance: number | null;
  varianceNote: string | null;
  /** The counts behind a rate, so that a reader can check it. */
  stableCount: number | null;
  canaryCount: number | null;
}

export interface TrackTotals {
  track: Exclude<Track, 'unknown'>;
  events: number;
  requests: number;
  latencySamples: number;
}

export interface Analysis {
  rollout: Rollout;
  totals: TrackTotals[];
  comparison: ComparisonRow[];
  /** Sources whose import did not finish: their events are not counted. */
  excludedSources: SourceSummary[];
}

export interface ApiResults {
  'case.info': CaseInfo;
  /** Null when the user cancelled the dialog. */
  'case.open': CaseInfo | null;
  'rollout.list': Rollout[];
  'rollout.analyse': Analysis;
  'review.export': { format: 'md'; fileName: string; content: string };
  /** Null when the user cancelled the dialog or this window cannot pick files. */
  'ingest.pick': PickedFiles | null;
  'ingest.start': { jobId: string };
  'job.status': JobStatus;
  'job.cancel': JobStatus;
  'pull.start': { jobId: string };
  'pull.status': PullJobStatus;
  'pull.cancel': PullJobStatus;
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
