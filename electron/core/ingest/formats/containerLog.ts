// Kubernetes container logs as files, in the three shapes they are found in:
//   cri-log      the kubelet's files (/var/log/pods/…/0.log, /var/log/containers/*.log), as
//                containerd and CRI-O write them: `<RFC 3339 nano time> <stdout|stderr> <P|F>
//                <content>`. The runtime splits a long line into partial records (`P`) ended
//                by a full one (`F`); the parts are joined into the line the app wrote, which
//                keeps the first part's line number and time (when the app began writing it).
//                The pod and container are in the name /var/log/containers gives the file
//                (`<pod>_<namespace>_<container>-<container id>.log`), not in its lines.
//   docker-json-log  Docker's json-file driver (`{"log":"…\n","stream":"stdout","time":"…"}`),
//                what Kubernetes on dockershim linked into /var/log/containers too; a long line is
//                cut into entries of which only the last ends with a line end.
//   kubectl-log  what `kubectl logs` saves: `--prefix` opens each line with
//                `[pod/<pod>/<container>]`, `--timestamps` with an RFC 3339 time; either or both.
// The content is whatever the app wrote, read with the mapping of its own format where one
// fits (innerLine.ts); the envelope's time is taken when the content has none. The pod feeds
// the tagging rules (a pod named `checkout-canary-…`, a pod-template hash) and names the
// service when the content names none (podWorkload.ts), the container only when it cannot.
import { type OuterTime } from './jsonLines.js';
import { ContinuationJoiner, innerLineToEvent } from './innerLine.js';
import { workloadOfPod } from './podWorkload.js';
import type { FormatContext, LogFormat, RecordParser, RecordSink } from './types.js';
import { parseTime } from '../time.js';

const RFC3339 = '\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,9})?(?:Z|[+-]\\d{2}:\\d{2})';
// CRI's tag is P or F, and may carry more tags after a colon (the CRI API keeps room for them).
const CRI_LINE = /^(\S+) (stdout|stderr) ([^\s:]+)(?::\S*)?(?: (.*))?$/s;
const CRI_PROBE = new RegExp(`^${RFC3339} (?:stdout|stderr) [PF](?::\\S*)? `);
const KUBECTL_PREFIX = /^\[pod\/([^/\]\s]+)\/([^\]\s]+)\](?: (.*))?$/s;
const KUBECTL_TIME = new RegExp(`^(${RFC3339})(?: (.*))?$`, 's');
const KUBECTL_PROBE = new RegExp(`^\\[pod/[^/\\]\\s]+/[^\\]\\s]+\\](?: |$)`);
const TIMESTAMP_PROBE = new RegExp(`^${RFC3339}(?: |$)`);
/** /var/log/containers: `<pod>_<namespace>_<container>-<64 hex>.log`. */
const CONTAINERS_FILE = /^([a-z0-9][a-z0-9.-]*)_([a-z0-9][a-z0-9-]*)_(.+)-[0-9a-f]{64}\.log$/;
/**
 * The kubelet's own files: `/var/log/pods/<namespace>_<pod>_<pod uid>/<container>/<restarts>.log`,
 * rotated as `<restarts>.log.<YYYYMMDD-hhmmss>` (gzipped but the newest). The pod is only in the folders.
 */
const POD_LOG_PATH =
  /(?:^|[/\\])[a-z0-9][a-z0-9-]*_([a-z0-9][a-z0-9.-]*)_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}[/\\]([a-z0-9][a-z0-9-]*)[/\\]\d+\.log(?:\.\d{8}-\d{6})?(?:\.gz)?$/;

/** A line cut into parts longer than this is rejected, not held: the runtime cuts at 16 KiB a part. */
const MAX_JOINED_CHARS = 8 * 1024 * 1024;

interface Where {
  pod: string | null;
  container: string | null;
  /** CRI's stream: a trace on stderr does not continue a record on stdout. */
  stream?: string;
}

function outerTimeOf(text: string): { ok: true; time: OuterTime } | { ok: false; reason: string } {
  const parsed = parseTime(text, 'UTC');
  return parsed.ok ? { ok: true, time: { ms: parsed.ms, text } } : parsed;
}

/** Reads one app line with the envelope's time, pod and container. */
function readInner(
  joiner: ContinuationJoiner,
  ctx: FormatContext,
  where: Where,
  content: string,
  line: number,
  raw: string,
  time: OuterTime | null,
): void {
  joiner.add(
    `${where.pod ?? ''}/${where.container ?? ''}/${where.stream ?? ''}`,
    content,
    line,
    raw,
    time?.ms ?? null,
    () => {
      const outcome = innerLineToEvent(content, line, raw, ctx.zone, time);
      if (outcome.ok) {
        outcome.event.pod ??= where.pod;
        // The pod's workload names the service; a container's name (often app or main) only
        // when the pod's name does not reduce to one.
        outcome.event.service ??= (where.pod === null ? null : workloadOfPod(where.pod)) ?? where.container;
      }
      return outcome;
    },
  );
}

interface Partial {
  line: number;
  time: OuterTime;
  parts: string[];
  raws: string[];
  chars: number;
  /** Set once the parts grew too long and were rejected: the rest up to the last part is skipped. */
  dropped: boolean;
}

/**
 * Joins the parts a runtime cut a long line into (CRI's `P` records, Docker's entries without
 * a line end), per stream: stdout's parts never join stderr's. The line keeps its first
 * part's number and time (when the app began writing it) and all the parts' records as raw.
 */
class PartialLines {
  private readonly open = new Map<string, Partial>();

  constructor(
    private readonly sink: RecordSink,
    /** How the format calls a part and the last part, for reasons. */
    private readonly words: { part: string; last: string },
    private readonly whole: (stream: string, content: string, line: number, raw: string, time: OuterTime) => void,
  ) {}

  add(stream: string, last: boolean, content: string, line: number, raw: string, time: OuterTime): void {
    const open = this.open.get(stream);
    if (last) {
      this.open.delete(stream);
      if (open === undefined) this.whole(stream, content, line, raw, time);
      else if (!open.dropped) {
        this.whole(stream, open.parts.join('') + content, open.line, [...open.raws, raw].join('\n'), open.time);
      }
      return;
    }
    const part = open ?? { line, time, parts: [], raws: [], chars: 0, dropped: false };
    this.open.set(stream, part);
    if (part.dropped) return;
    part.parts.push(content);
    part.raws.push(raw);
    part.chars += content.length;
    if (part.chars > MAX_JOINED_CHARS) {
      this.sink.reject(
        part.line,
        `a line cut into ${this.words.part} records grew past ${MAX_JOINED_CHARS / 1024 / 1024} MiB; skipped to its ${this.words.last} record`,
        part.raws.join('\n').slice(0, 64 * 1024),
      );
      part.dropped = true;
      part.parts = [];
      part.raws = [];
    }
  }

  end(): void {
    for (const part of this.open.values()) {
      if (part.dropped) continue;
      this.sink.reject(
        part.line,
        `${this.words.part} records the file ends before their ${this.words.last} record: the rest of the line is not in this file`,
        part.raws.join('\n'),
      );
    }
    this.open.clear();
  }
}

function whereOfFile(ctx: FormatContext): Where {
  const named = CONTAINERS_FILE.exec(ctx.fileName);
  if (named) return { pod: named[1] ?? null, container: named[3] ?? null };
  const kubelet = ctx.filePath === undefined ? null : POD_LOG_PATH.exec(ctx.filePath);
  return { pod: kubelet?.[1] ?? null, container: kubelet?.[2] ?? null };
}

function openCri(ctx: FormatContext, sink: RecordSink): RecordParser {
  const where = whereOfFile(ctx);
  const joiner = new ContinuationJoiner(sink);
  const partials = new PartialLines(
    sink,
    { part: 'partial (P)', last: 'full (F)' },
    (stream, content, line, raw, time) => readInner(joiner, ctx, { ...where, stream }, content, line, raw, time),
  );
  return {
    line(number, text) {
      if (text.trim() === '') return;
      const m = CRI_LINE.exec(text);
      if (!m) {
        sink.reject(number, 'not a CRI container log line (time stdout|stderr P|F content)', text);
        return;
      }
      const [, timeText = '', stream = '', tag = '', content = ''] = m;
      if (tag !== 'P' && tag !== 'F') {
        sink.reject(number, `CRI tag "${tag.slice(0, 20)}" is neither P (partial) nor F (full)`, text);
        return;
      }
      const time = outerTimeOf(timeText);
      if (!time.ok) {
        sink.reject(number, time.reason, text);
        return;
      }
      partials.add(stream, tag === 'F', content, number, text, time.time);
    },
    end() {
      partials.end();
      joiner.end();
    },
  };
}

/** Docker's json-file entry: `{"log":"…\n","stream":"stdout","time":"…"}` (and `attrs` with --log-opt labels). */
function dockerEntry(text: string): { log: string; stream: string; time: string } | null {
  if (!text.startsWith('{"log":')) return null;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof doc !== 'object' || doc === null) return null;
  const { log, stream, time, ...rest } = doc as Record<string, unknown>;
  if (typeof log !== 'string' || typeof stream !== 'string' || typeof time !== 'string') return null;
  return Object.keys(rest).every((key) => key === 'attrs') ? { log, stream, time } : null;
}

function openDocker(ctx: FormatContext, sink: RecordSink): RecordParser {
  const where = whereOfFile(ctx);
  const joiner = new ContinuationJoiner(sink);
  const partials = new PartialLines(
    sink,
    { part: 'partial', last: 'line-ending' },
    (stream, content, line, raw, time) => readInner(joiner, ctx, { ...where, stream }, content, line, raw, time),
  );
  return {
    line(number, text) {
      if (text.trim() === '') return;
      const entry = dockerEntry(text.trim());
      if (entry === null) {
        sink.reject(number, 'not a Docker json-file entry ({"log":…,"stream":…,"time":…})', text);
        return;
      }
      const time = outerTimeOf(entry.time);
      if (!time.ok) {
        sink.reject(number, time.reason, text);
        return;
      }
      // Docker cuts a line longer than 16 KiB into entries; only the last ends with the line end.
      const last = entry.log.endsWith('\n');
      partials.add(entry.stream, last, last ? entry.log.replace(/\r?\n$/, '') : entry.log, number, text, time.time);
    },
    end() {
      partials.end();
      joiner.end();
    },
  };
}

function openKubectl(ctx: FormatContext, sink: RecordSink): RecordParser {
  const joiner = new ContinuationJoiner(sink);
  return {
    line(number, text) {
      if (text.trim() === '') return;
      const prefixed = KUBECTL_PREFIX.exec(text);
      const where: Where = { pod: prefixed?.[1] ?? null, container: prefixed?.[2] ?? null };
      const rest = prefixed ? (prefixed[3] ?? '') : text;
      const stamped = KUBECTL_TIME.exec(rest);
      if (!prefixed && !stamped) {
        sink.reject(number, 'not a kubectl logs line ([pod/NAME/CONTAINER] prefix or RFC 3339 time)', text);
        return;
      }
      let time: OuterTime | null = null;
      if (stamped) {
        const parsed = outerTimeOf(stamped[1] ?? '');
        if (!parsed.ok) {
          sink.reject(number, parsed.reason, text);
          return;
        }
        time = parsed.time;
      }
      readInner(joiner, ctx, where, stamped ? (stamped[2] ?? '') : rest, number, text, time);
    },
    end() {
      joiner.end();
    },
  };
}

function share(sample: readonly string[], pattern: RegExp): number {
  return sample.length === 0 ? 0 : sample.filter((line) => pattern.test(line)).length / sample.length;
}

export const criLogFormat: LogFormat = {
  name: 'cri-log',
  label: 'Kubernetes container log (CRI: containerd, CRI-O; /var/log/pods, /var/log/containers)',
  probe(sample) {
    const fits = share(sample, CRI_PROBE);
    return fits < 0.5 ? 0 : 0.55 + 0.45 * fits;
  },
  open: openCri,
};

export const dockerJsonLogFormat: LogFormat = {
  name: 'docker-json-log',
  label: "Docker's json-file container log (also Kubernetes on dockershim: /var/log/containers)",
  probe(sample) {
    if (sample.length === 0) return 0;
    const fits = sample.filter((line) => dockerEntry(line.trim()) !== null).length / sample.length;
    // Above json-lines' 0.9, which reads these entries only as their `log` text.
    return fits < 0.5 ? 0 : 0.91 + 0.05 * fits;
  },
  open: openDocker,
};

export const kubectlLogFormat: LogFormat = {
  name: 'kubectl-log',
  label: 'kubectl logs output (--prefix and/or --timestamps)',
  probe(sample) {
    const prefixed = share(sample, KUBECTL_PROBE);
    if (prefixed >= 0.5) return 0.55 + 0.45 * prefixed;
    // `--timestamps` alone: an RFC 3339 time and anything after it. Many formats open with a
    // time, so this only wins where none of them reads the lines.
    const stamped = share(sample, TIMESTAMP_PROBE);
    return stamped < 0.8 ? 0 : 0.2 + 0.2 * stamped;
  },
  open: openKubectl,
};
