// The contract every input format meets. A format probes the first lines of a file to say
// how well it fits, then reads the file line by line through a parser that holds whatever
// state it needs (a CSV header, a multi-line record being assembled) and hands each finished
// record to a sink: an event, metric samples, or a reject with its line and reason.
// Formats only map fields; tracks, authentication failures and exception fingerprints are
// decided once for every format afterwards (normalise.ts).
import type { Track } from '../../../../shared/logEvent.js';
import type { NewEvent } from '../../case/events.js';

/** What an import knows beyond the bytes. Plain data: it crosses into the parse worker. */
export interface FormatContext {
  /** IANA zone for times written without an offset (recorded on the source). */
  zone: string;
  /** The year for formats that write none (RFC 3164 syslog): `--year`, else the file's. */
  year: number;
  /**
   * Set only when `year` is the file's modification year (no `--year`): that month, 1–12.
   * RFC 3164 lines dated in a later month were written the year before (a file spanning New Year).
   */
  modifiedMonth?: number;
  /** The file's base name, for messages. */
  fileName: string;
  /** The file's absolute path, where a format reads names from its folders (kubelet's /var/log/pods). */
  filePath?: string;
  /** Format-specific options (a CSV column mapping, …), as saved in the case or given. */
  options: Record<string, unknown>;
}

/** One sample from a metric document (CPU, memory), tagged like an event. */
export interface NewMetric {
  sourceLine: number;
  ts: number;
  track: Track;
  trackRule: string | null;
  trackLabel: string | null;
  service: string | null;
  environment: string | null;
  version: string | null;
  host: string | null;
  pod: string | null;
  name: string;
  value: number;
  /** The Elasticsearch document it came from, as LogEvent.docKey. */
  docKey?: string | null;
}

export interface RecordSink {
  event(event: NewEvent): void;
  metric(sample: NewMetric): void;
  /**
   * `line` is the first line of the bad record; `raw` its text (all of its lines), or only its
   * start when the record was too long to hold, with `rawBytes` its true length.
   */
  reject(line: number, reason: string, raw: string, rawBytes?: number): void;
}

export interface RecordParser {
  /** One physical line (1-based number, text without its line end). Blank lines included. */
  line(number: number, text: string): void;
  /** End of input: a record still being assembled is finished. */
  end(): void;
}

export interface LogFormat {
  /** Stable identifier, recorded on the source and accepted by `--format`. */
  readonly name: string;
  /** What a person calls it, for messages and `--help`. */
  readonly label: string;
  /**
   * How well the first non-blank lines of a file (up to PROBE_LINES) fit this format, from 0
   * (not this format) to 1 (certain). The highest score wins; ties go to the earlier format.
   */
  probe(sample: readonly string[], fileName: string): number;
  /**
   * Optional: why this file cannot be read at all with these options (a CSV header with no
   * time column), judged from the same first lines as `probe`; null when it can. A reason
   * refuses the import before anything is written, so the user can import it again with the
   * right options instead of finding every record rejected.
   */
  check?(sample: readonly string[], ctx: FormatContext): string | null;
  open(ctx: FormatContext, sink: RecordSink): RecordParser;
}

export const PROBE_LINES = 20;

/** An event with every optional field empty, for a format to fill in. */
export function blankEvent(sourceLine: number, raw: string, ts: number, tsText: string): NewEvent {
  return {
    ts,
    tsText,
    track: 'unknown',
    trackRule: null,
    trackLabel: null,
    service: null,
    environment: null,
    version: null,
    host: null,
    pod: null,
    level: null,
    httpMethod: null,
    urlPath: null,
    status: null,
    durationMs: null,
    clientIp: null,
    user: null,
    message: null,
    errorType: null,
    errorMessage: null,
    errorStack: null,
    fingerprint: null,
    authFailure: false,
    authRule: null,
    sourceLine,
    raw,
  };
}
