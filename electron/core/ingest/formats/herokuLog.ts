// Heroku's logs as `heroku logs` (and a Logplex drain to a file) print them:
//   <RFC 3339 time> <source>[<dyno>]: <message>
//   2024-05-01T10:00:00.123456+00:00 heroku[router]: at=info method=GET path="/cart" host=shop.herokuapp.com
//     request_id=… fwd="203.0.113.5" dyno=web.1 connect=1ms service=23ms status=200 bytes=512 protocol=https
//   2024-05-01T10:00:00.456789+00:00 app[web.1]: whatever the app wrote
// The router's line is one request: `service` is the time the dyno took to answer and
// `connect` the time to reach it (both ms, added as the request's duration) — `service` is
// not a service's name. `fwd` is X-Forwarded-For: its first address is the client; `dyno`
// the process that answered (kept as the pod: Heroku's unit of a running copy); `host` the
// app's host name, which names a canary app (`shop-canary.herokuapp.com`). An error
// (`at=error code=H12 desc="Request timeout"`) keeps its code and description in the message.
// An app's line is read with its own format's mapping (innerLine.ts), at the envelope's time
// when it has none. The same router lines through a syslog drain are read by the syslog
// format (RFC 5424 with app `heroku` and procid `router`), which uses routerFields below.
import type { NewEvent } from '../../case/events.js';
import { parseTime } from '../time.js';
import { pathOf } from './ecsNdjson.js';
import { ContinuationJoiner, innerLineToEvent } from './innerLine.js';
import { parseLogfmt } from './logfmt.js';
import type { LogFormat } from './types.js';
import { blankEvent } from './types.js';

// Logplex has two sources: `heroku` (the router and the platform) and `app` (the dynos, add-ons
// writing as the app). A syslog line written without its host (`… sshd[99]: …`) has the same
// shape otherwise, and is not Heroku's.
const HEROKU_LINE =
  /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})) (heroku|app)\[([\w.-]+)\]:(?: (.*))?$/s;
const MS = /^(\d+(?:\.\d+)?)ms$/;

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' && value !== '-' ? value : null;
}

function ms(value: unknown): number | null {
  const m = typeof value === 'string' ? MS.exec(value) : null;
  return m ? Number(m[1]) : null;
}

/** Fills a router line's fields (`at=info method=GET path=… status=200 …`) into `event`; false when it is not one. */
export function routerFields(event: NewEvent, body: string): boolean {
  const doc = parseLogfmt(body.trim());
  if (doc === null || text(doc.at) === null || !('status' in doc || 'code' in doc)) return false;
  const at = text(doc.at);
  event.level = at === 'info' ? 'info' : at === 'error' ? 'error' : at;
  event.httpMethod = text(doc.method)?.toUpperCase() ?? null;
  const path = text(doc.path);
  event.urlPath = path === null ? null : pathOf(path);
  event.host = text(doc.host);
  event.pod = text(doc.dyno);
  event.clientIp = text(doc.fwd)?.split(',')[0]?.trim() || null;
  const status = text(doc.status);
  event.status = status !== null && /^[1-5]\d\d$/.test(status) ? Number(status) : null;
  const service = ms(doc.service);
  event.durationMs = service === null ? null : service + (ms(doc.connect) ?? 0);
  const request = [event.httpMethod, path].filter((part) => part !== null).join(' ');
  const code = text(doc.code);
  const problem = code === null ? null : [code, text(doc.desc)].filter((part) => part !== null).join(' ');
  event.message = problem === null ? request : request === '' ? problem : `${problem}: ${request}`;
  return true;
}

export const herokuLogFormat: LogFormat = {
  name: 'heroku-log',
  label: 'Heroku logs (`heroku logs`, Logplex: router and app lines)',
  probe(sample) {
    if (sample.length === 0) return 0;
    const fits = sample.filter((line) => HEROKU_LINE.test(line)).length / sample.length;
    return fits < 0.5 ? 0 : 0.6 + 0.35 * fits;
  },
  open(ctx, sink) {
    const joiner = new ContinuationJoiner(sink);
    return {
      line(number, line) {
        if (line.trim() === '') return;
        const m = HEROKU_LINE.exec(line);
        if (!m) {
          sink.reject(number, 'not a Heroku log line (time heroku|app[dyno]: message)', line);
          return;
        }
        const [, timeText = '', source = '', dyno = '', body = ''] = m;
        const time = parseTime(timeText, 'UTC');
        if (!time.ok) {
          sink.reject(number, time.reason, line);
          return;
        }
        const outer = { ms: time.ms, text: timeText };
        joiner.add(`${source}[${dyno}]`, body, number, line, outer.ms, () => {
          if (source === 'heroku' && dyno === 'router') {
            const event = blankEvent(number, line, outer.ms, outer.text);
            if (routerFields(event, body)) return { ok: true, event };
          }
          const outcome = innerLineToEvent(body, number, line, ctx.zone, outer);
          if (outcome.ok) outcome.event.pod ??= dyno;
          return outcome;
        });
      },
      end() {
        joiner.end();
      },
    };
  },
};
