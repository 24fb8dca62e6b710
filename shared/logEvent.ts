// The canonical row every input format is normalised into (ARCHITECTURE.md, "LogEvent").
// Field names follow the Elastic Common Schema where one exists.

export type Track = 'canary' | 'stable' | 'unknown';

export interface LogEvent {
  /** UTC epoch milliseconds. */
  ts: number;
  /** The time exactly as the source wrote it. */
  tsText: string;
  track: Track;
  /**
   * Which tagging rule gave the track (`--track`, `labels.track`, a host pattern, …), so a
   * reader can check it; null for 'unknown'.
   */
  trackRule: string | null;
  /** The track-like label the record carried (labels.track, a Kubernetes label, `track`), as written. */
  trackLabel: string | null;
  service: string | null;
  /**
   * The deployment environment (staging, production, …) as the record or the import named it,
   * trimmed; null when neither did. Rollouts are found per service and environment.
   */
  environment: string | null;
  version: string | null;
  host: string | null;
  /** Kubernetes pod name, when the record names one. */
  pod: string | null;
  level: string | null;
  httpMethod: string | null;
  urlPath: string | null;
  status: number | null;
  durationMs: number | null;
  clientIp: string | null;
  user: string | null;
  message: string | null;
  errorType: string | null;
  errorMessage: string | null;
  errorStack: string | null;
  fingerprint: string | null;
  authFailure: boolean;
  /** Which classification rule marked the event as an authentication failure. */
  authRule: string | null;
  sourceId: number;
  sourceLine: number;
  /** The original record, byte for byte as text. */
  raw: string;
  /**
   * The Elasticsearch document it came from, `<_index>/<_id>` (a pull's hit, a saved `_search`
   * hit), so that a document read twice is counted once; absent for every other format.
   */
  docKey?: string | null;
}
