// Kubernetes container logs as files, in the two shapes they are found in:
//   cri-log      the kubelet's files (/var/log/pods/…/0.log, /var/log/containers/*.log), as
//                containerd and CRI-O write them: `<RFC 3339 nano time> <stdout|stderr> <P|F>
//                <content>`. The runtime splits a long line into partial records (`P`) ended
//                by a full one (`F`); the parts are joined into the line the app wrote, which
//                keeps the first part's line number and time (when the app began writing it).
//                The pod and container are in the name /var/log/containers gives the file
//                (`<pod>_<namespace>_<container>-<container id>.log`), not in its lines.
//   kubectl-log  what `kubectl logs` saves: `--prefix` opens each line with
//                `[pod/<pod>/<container>]`, `--timestamps` with an RFC 3339 time; either or both.
// The content is whatever the app wrote, read with the mapping of its own format where one
// fits (innerLine.ts); the envelope's time is taken when the content has none. The pod feeds
// the tagging rules (a pod named `checkout-canary-…`, a pod-template hash); the container
// names the service when the content names none.
import { type OuterTime } from './jsonLines.js';
import { ContinuationJoiner, innerLineToEvent } from './innerLine.js';
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
  joiner.add(`${where.pod ?? ''}/${where.container ?? ''}/${where.stream ?? ''}`, content, line, raw, () => {
    const outcome = innerLineToEvent(content, line, raw, ctx.zone, time);
    if (outcome.ok) {
      outcome.event.pod ??= where.pod;
      outcome.event.service ??= where.container;
    }
    return outcome;
  });
}

interface Partial {
  line: number;
  time: OuterTime;
  parts: string[];
  raws: string[];
  chars: number;
  /** Set once the parts grew too long and were rejected: the rest up to the `F` is skipped. */
  dropped: boolean;
}

function openCri(ctx: FormatContext, sink: RecordSink): RecordParser {
  const named = CONTAINERS_FILE.exec(ctx.fileName);
  const where: Where = { pod: named?.[1] ?? null, container: named?.[3] ?? null };
  const joiner = new ContinuationJoiner(sink);
  // Each stream is cut into parts on its own: stdout's parts never join stderr's.
  const partials = new Map<string, Partial>();
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
      const open = partials.get(stream);
      if (tag === 'P') {
        const part = open ?? { line: number, time: time.time, parts: [], raws: [], chars: 0, dropped: false };
        partials.set(stream, part);
        if (part.dropped) return;
        part.parts.push(content);
        part.raws.push(text);
        part.chars += content.length;
        if (part.chars > MAX_JOINED_CHARS) {
          sink.reject(
            part.line,
            `a line cut into partial (P) records grew past ${MAX_JOINED_CHARS / 1024 / 1024} MiB; skipped to its full (F) record`,
            part.raws.join('\n').slice(0, 64 * 1024),
          );
          part.dropped = true;
          part.parts = [];
          part.raws = [];
        }
        return;
      }
      partials.delete(stream);
      if (open?.dropped) return;
      if (open === undefined) {
        readInner(joiner, ctx, where, content, number, text, time.time);
        return;
      }
      readInner(
        joiner,
        ctx,
        where,
        open.parts.join('') + content,
        open.line,
        [...open.raws, text].join('\n'),
        open.time,
      );
    },
    end() {
      for (const part of partials.values()) {
        if (part.dropped) continue;
        sink.reject(
          part.line,
          'partial (P) records the file ends before their full (F) record: the rest of the line is not in this file',
          part.raws.join('\n'),
        );
      }
      partials.clear();
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
