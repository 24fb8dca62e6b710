// Application logs whose records can span lines (a message and its stack trace), in three
// families, each a format of its own so a file is read with one family's header shapes:
//   java-log     log4j / logback (`2024-01-01 10:00:00,123 ERROR [thread] com.x.Y - msg`, the
//                ISO8601, `[LEVEL]` and thread-first variants, log4j2's `%d %p %c{1.} [%t] %m`),
//                logback's and log4j2's default `%d{HH:mm:ss.SSS} [%thread] %-5level %logger - %msg`
//                (no date: see below), JBoss LogManager (WildFly, Quarkus, Keycloak: `… ERROR [c.x.Y]
//                (thread) msg`, its console without a date), ZooKeeper (`… - INFO  [thread: Class@line] - msg`), Spring
//                Boot (`… ERROR 4242 --- [app] [thread] [trace-span] c.x.Y : msg`), Dropwizard
//                (`INFO  [2024-01-01 10:00:00,123] c.x.Y: msg`, UTC), Kafka (`[…] INFO msg (c.x.Y)`), Spark (`17/06/09 20:10:40
//                INFO a.B: msg`), HDFS (`081109 203615 148 INFO a.B: msg`), Tomcat / JUL one-line
//                (`01-Jan-2024 10:00:00.123 SEVERE [main] a.B.c msg`)
//   python-log   logging (`… - name - ERROR - msg`, `… - ERROR - msg`, `… [ERROR] name: msg`,
//                `…:ERROR:name:msg`, Flask, Django), gunicorn (`[… +0000] [pid] [ERROR] msg`),
//                Celery (`[…: ERROR/MainProcess] msg`), Airflow (`[…] {file.py:12} ERROR - msg`),
//                OpenStack's oslo.log (`… 25746 INFO nova.api [req-…] msg`, its WSGI request lines read)
//                and oVirt vdsm (`thread::LEVEL::time::module::line::logger::(func) msg`)
//   web-error-log  nginx's error log (`2024/01/01 10:00:00 [error] 12#12: *5 msg, client: …, request:
//                "GET / HTTP/1.1", host: "…"`) and Apache's (2.2: `[Sun Dec 04 04:47:44 2005] [error]
//                [client 1.2.3.4] msg`; 2.4: `[… 10:00:00.123456 2024] [core:error] [pid 1:tid 2]
//                [client 1.2.3.4:5678] AH00126: msg`), with the client, request and host they name
//   laravel-log  Laravel / Monolog (`[2023-01-01 10:00:00] local.ERROR: msg {context}` with its
//                `[stacktrace]` block inside the JSON context)
// Times without an offset are read in the import's zone. A time of day without a date takes
// the date given as the import's `date` option, else the one in the file's name (logback's
// rolled `app.2024-01-01.log`), and the next day each time the clock goes back by more than
// twelve hours; with neither, each record is rejected with the reason. Which exception names
// a record:
//   Java: the outermost one, the trace's first header (not the last `Caused by:`): it is what
//   the code threw where it logged, as log4j's own header and ECS loggers' `error.type` say.
//   The causes stay in `errorStack`, and the fingerprint also takes the chain's types.
//   Python: the last line of the traceback (the exception raised last, i.e. the outermost).
//   Laravel: the `[object] (Type(code: N): message at file:line)` in the context; earlier
//   `[previous exception]` blocks stay in the stack, as Java's causes do.
// A message naming a qualified Java exception on a single line ("… due to
// java.io.IOException: ZooKeeperServer not running") gives its type and message too.
import type { NewEvent } from '../../case/events.js';
import { parseTime } from '../time.js';
import { type AssembledRecord, multilineParser } from './multiline.js';
import { type FormatContext, type LogFormat, type RecordSink, blankEvent } from './types.js';

interface Header {
  /** The time as written, and the same in a form parseTime reads (without a date: timeOnly). */
  time: string;
  isoTime: string;
  /** `isoTime` is a time of day (`10:00:00.123`): the date comes from the import (DayClock). */
  timeOnly?: boolean;
  /** The zone the layout writes its times in, when it is fixed (Dropwizard: UTC). */
  zone?: string;
  level: string | null;
  service: string | null;
  message: string;
}

interface Shape {
  pattern: RegExp;
  read(m: RegExpExecArray): Header;
}

const TS = '(\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}:\\d{2}(?:[.,]\\d{1,9})?(?:Z|[+-]\\d{2}:?\\d{2})?)';
const JAVA_LEVEL = '(TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL|SEVERE|NOTICE|FINE|FINER|FINEST|CONFIG)';
const PY_LEVEL = '(DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL|EXCEPTION)';
const LARAVEL_LEVEL = '(DEBUG|INFO|NOTICE|WARNING|ERROR|CRITICAL|ALERT|EMERGENCY)';

// `s`: a lone CR or U+2028 inside a line is text, and `.` must read over it.
const re = (source: string): RegExp => new RegExp(source, 's');
const lower = (level: string | undefined): string | null => (level ? level.toLowerCase() : null);
const iso = (time: string, level: string | undefined, message: string | undefined, service: string | null = null) => ({
  time,
  isoTime: time,
  level: lower(level),
  service,
  message: message ?? '',
});

const MONTH_NUMBERS: Record<string, string> = {
  Jan: '01',
  Feb: '02',
  Mar: '03',
  Apr: '04',
  May: '05',
  Jun: '06',
  Jul: '07',
  Aug: '08',
  Sep: '09',
  Oct: '10',
  Nov: '11',
  Dec: '12',
};

/**
 * The application name among Spring Boot's bracketed fields after `---`: `[app] [thread]`,
 * `[app] [thread] [trace-span]`, `[thread] [trace-span]` or `[thread]`. The correlation field
 * is ids or blank; with it set aside, a second field means the first is the application.
 */
function springApplication(run: string): string | null {
  const fields = run.match(/\[[^\]]*\]/g) ?? [];
  if (fields.length > 1 && /^\[(?:[0-9a-f]+-[0-9a-f]+| *)\]$/.test(fields.at(-1) ?? '')) fields.pop();
  return fields.length >= 2 ? fields[0]?.slice(1, -1).trim() || null : null;
}

const JAVA_SHAPES: readonly Shape[] = [
  // ZooKeeper: 2015-07-29 17:41:44,747 - INFO  [QuorumPeer[myid=1]/…:FastLeaderElection@774] - msg
  { pattern: re(`^${TS} - ${JAVA_LEVEL}\\s*\\[.*?\\] - (.*)$`), read: (m) => iso(m[1] ?? '', m[2], m[3]) },
  // Spring Boot: 2024-01-01T10:00:00.123+01:00 ERROR 4242 --- [app] [  main] [trace-span] c.x.Y  : msg
  // (the application name since 3.2, the correlation ids since 3.4; the logger never starts with `[`).
  {
    pattern: re(`^${TS}\\s+${JAVA_LEVEL}\\s+\\d+\\s+---\\s+((?:\\[[^\\]]*\\]\\s+)+)[^\\s[]\\S*\\s*:\\s(.*)$`),
    read: (m) => iso(m[1] ?? '', m[2], m[4], springApplication(m[3] ?? '')),
  },
  // log4j / logback, level first: 2024-01-01 10:00:00,123 ERROR [main] com.x.Y - msg ([ERROR] too)
  {
    pattern: re(`^${TS}\\s+\\[?${JAVA_LEVEL}\\]?\\s+\\[[^\\]]*\\]\\s+[\\w$.]+(?::\\d+)?\\s+-\\s?(.*)$`),
    read: (m) => iso(m[1] ?? '', m[2], m[3]),
  },
  // logback, thread first: 2024-01-01 10:00:00.123 [main] ERROR com.x.Y - msg
  {
    pattern: re(`^${TS}\\s+\\[[^\\]]*\\]\\s+\\[?${JAVA_LEVEL}\\]?\\s+[\\w$.]+(?::\\d+)?\\s+-\\s?(.*)$`),
    read: (m) => iso(m[1] ?? '', m[2], m[3]),
  },
  // log4j2's documented `%d %p %c{1.} [%t] %m%n`: 2024-01-01 10:00:00,123 ERROR c.x.Y [main] msg
  {
    pattern: re(`^${TS}\\s+${JAVA_LEVEL}\\s+[\\w$.]+\\s+\\[[^\\]]*\\]\\s(.*)$`),
    read: (m) => iso(m[1] ?? '', m[2], m[3]),
  },
  // logback's and log4j2's default, no date: 10:00:00.123 [main] INFO  com.x.Y - msg (`--` in logback 1.3+)
  {
    pattern: re(
      `^(\\d{2}:\\d{2}:\\d{2}[.,]\\d{3})\\s+\\[[^\\]]*\\]\\s+${JAVA_LEVEL}\\s+[\\w$.]+(?::\\d+)?\\s+--?\\s?(.*)$`,
    ),
    read: (m) => ({ ...iso(m[1] ?? '', m[2], m[3]), timeOnly: true }),
  },
  // JBoss LogManager (WildFly, Quarkus, Keycloak): 2024-01-01 10:00:00,123 ERROR [c.x.Y] (thread) msg
  {
    pattern: re(`^${TS}\\s+${JAVA_LEVEL}\\s+\\[[^\\]]*\\]\\s+\\([^)]*\\)\\s(.*)$`),
    read: (m) => iso(m[1] ?? '', m[2], m[3]),
  },
  // …and WildFly's console, without the date: 10:00:00,123 INFO  [org.jboss.as] (main) msg
  {
    pattern: re(`^(\\d{2}:\\d{2}:\\d{2}[.,]\\d{3})\\s+${JAVA_LEVEL}\\s+\\[[^\\]]*\\]\\s+\\([^)]*\\)\\s(.*)$`),
    read: (m) => ({ ...iso(m[1] ?? '', m[2], m[3]), timeOnly: true }),
  },
  // Kafka (log4j `[%d] %p %m (%c)%n`): [2024-01-01 10:00:00,123] INFO [KafkaServer id=1] started (kafka.server.KafkaServer)
  // The logger at the end is required: Flask's `[time] ERROR in app: msg` is Python's.
  {
    pattern: re(`^\\[${TS}\\] ${JAVA_LEVEL} (.*) \\([\\w$.]+\\)$`),
    read: (m) => iso(m[1] ?? '', m[2], m[3]),
  },
  // Dropwizard's default `%-5p [%d{ISO8601,UTC}] %c: %m`: INFO  [2024-01-01 10:00:00,123] c.x.Y: msg
  {
    pattern: re(`^${JAVA_LEVEL}\\s+\\[${TS}\\]\\s+[\\w$.]+:\\s(.*)$`),
    read: (m) => ({ ...iso(m[2] ?? '', m[1], m[3]), zone: 'UTC' }),
  },
  // log4j without a thread: 2024-01-01 10:00:00,123 ERROR com.x.Y - msg  (or Y:42 - msg)
  {
    pattern: re(`^${TS}\\s+\\[?${JAVA_LEVEL}\\]?\\s+[\\w$.]+(?::\\d+)?\\s+-\\s(.*)$`),
    read: (m) => iso(m[1] ?? '', m[2], m[3]),
  },
  // Spark (log4j `%d{yy/MM/dd HH:mm:ss} %p %c{1}: %m`): 17/06/09 20:10:40 INFO a.B: msg
  {
    pattern: re(`^(\\d{2})/(\\d{2})/(\\d{2}) (\\d{2}:\\d{2}:\\d{2}) ${JAVA_LEVEL} [\\w$.]+: (.*)$`),
    read: (m) => ({
      time: `${m[1]}/${m[2]}/${m[3]} ${m[4]}`,
      isoTime: `20${m[1]}-${m[2]}-${m[3]} ${m[4]}`,
      level: lower(m[5]),
      service: null,
      message: m[6] ?? '',
    }),
  },
  // HDFS: 081109 203615 148 INFO dfs.DataNode$PacketResponder: msg
  {
    pattern: re(`^(\\d{2})(\\d{2})(\\d{2}) (\\d{2})(\\d{2})(\\d{2}) \\d+ ${JAVA_LEVEL} [\\w$.]+: (.*)$`),
    read: (m) => ({
      time: `${m[1]}${m[2]}${m[3]} ${m[4]}${m[5]}${m[6]}`,
      isoTime: `20${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6]}`,
      level: lower(m[7]),
      service: null,
      message: m[8] ?? '',
    }),
  },
  // Tomcat / java.util.logging one-line: 01-Jan-2024 10:00:00.123 SEVERE [main] a.B.c msg
  {
    pattern: re(
      `^(\\d{2})-(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-(\\d{4}) (\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,9})?) ${JAVA_LEVEL} \\[[^\\]]*\\] [\\w$.<>]+ (.*)$`,
    ),
    read: (m) => ({
      time: `${m[1]}-${m[2]}-${m[3]} ${m[4]}`,
      isoTime: `${m[3]}-${MONTH_NUMBERS[m[2] ?? ''] ?? '00'}-${m[1]} ${m[4]}`,
      level: lower(m[5]),
      service: null,
      message: m[6] ?? '',
    }),
  },
];

const PYTHON_SHAPES: readonly Shape[] = [
  // gunicorn: [2024-01-01 10:00:00 +0000] [1234] [ERROR] msg
  {
    pattern: re(`^\\[(\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}) ([+-]\\d{4})\\] \\[\\d+\\] \\[${PY_LEVEL}\\] (.*)$`),
    read: (m) => ({ ...iso(`${m[1]} ${m[2]}`, m[3], m[4]), isoTime: `${m[1]}${m[2]}` }),
  },
  // Celery: [2024-01-01 10:00:00,123: ERROR/MainProcess] msg (also ForkPoolWorker-1)
  { pattern: re(`^\\[${TS}: ${PY_LEVEL}/[\\w-]+\\] (.*)$`), read: (m) => iso(m[1] ?? '', m[2], m[3]) },
  // Airflow: [2024-01-01T10:00:00.123+0000] {taskinstance.py:1234} ERROR - msg
  { pattern: re(`^\\[${TS}\\] \\{[^}]*\\} ${PY_LEVEL} - (.*)$`), read: (m) => iso(m[1] ?? '', m[2], m[3]) },
  // Flask: [%(asctime)s] %(levelname)s in %(module)s: %(message)s
  { pattern: re(`^\\[${TS}\\] ${PY_LEVEL} in [\\w.]+: (.*)$`), read: (m) => iso(m[1] ?? '', m[2], m[3]) },
  // Django's "verbose" example: %(levelname)s %(asctime)s %(module)s %(process)d %(thread)d %(message)s
  { pattern: re(`^${PY_LEVEL} ${TS} [\\w.]+ \\d+ \\d+ (.*)$`), read: (m) => iso(m[2] ?? '', m[1], m[3]) },
  // %(asctime)s - %(name)s - %(levelname)s - %(message)s
  { pattern: re(`^${TS} - \\S+ - ${PY_LEVEL} - (.*)$`), read: (m) => iso(m[1] ?? '', m[2], m[3]) },
  // OpenStack's oslo.log: 2017-05-16 00:00:00.008 25746 INFO nova.osapi_compute.wsgi.server [req-… - - -] msg
  {
    pattern: re(`^${TS} \\d+ ${PY_LEVEL} [\\w.]+ (?:\\[[^\\]]*\\] )?(.*)$`),
    read: (m) => iso(m[1] ?? '', m[2], m[3]),
  },
  // %(asctime)s - %(levelname)s - %(message)s
  { pattern: re(`^${TS} - ${PY_LEVEL} - (.*)$`), read: (m) => iso(m[1] ?? '', m[2], m[3]) },
  // %(asctime)s %(levelname)s %(name)s: %(message)s, also with [%(levelname)s]
  {
    pattern: re(`^${TS}\\s+(?:${PY_LEVEL}|\\[${PY_LEVEL}\\])\\s+[\\w.\\-]+:\\s(.*)$`),
    read: (m) => iso(m[1] ?? '', m[2] ?? m[3], m[4]),
  },
  // %(asctime)s:%(levelname)s:%(name)s:%(message)s (basicConfig's default with the time before it)
  { pattern: re(`^${TS}:${PY_LEVEL}:[\\w.\\-]+:(.*)$`), read: (m) => iso(m[1] ?? '', m[2], m[3]) },
  // oVirt vdsm: Thread-15::DEBUG::2011-12-07 11:44:17,737::clientIF::54::vds::(wrapper) msg
  {
    pattern: re(`^[^\\s:]+::${PY_LEVEL}::${TS}::[\\w.]+::\\d+::[\\w.]+::\\([\\w<>]+\\)\\s?(.*)$`),
    read: (m) => iso(m[2] ?? '', m[1], m[3]),
  },
];

const WEB_LEVELS: Record<string, string> = { crit: 'critical', emerg: 'emergency', warn: 'warning' };
const webLevel = (level: string | undefined): string | null =>
  level === undefined ? null : (WEB_LEVELS[level] ?? level.replace(/^trace\d$/, 'trace'));
const APACHE_MONTH = '(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';

const WEB_ERROR_SHAPES: readonly Shape[] = [
  // nginx: 2024/01/01 10:00:00 [error] 1234#1234: *5 open() "/x" failed (2: …), client: 1.2.3.4, …
  {
    pattern: re(
      `^(\\d{4})/(\\d{2})/(\\d{2}) (\\d{2}:\\d{2}:\\d{2}) \\[(debug|info|notice|warn|error|crit|alert|emerg)\\] \\d+#\\d+: (?:\\*\\d+ )?(.*)$`,
    ),
    read: (m) => ({
      time: `${m[1]}/${m[2]}/${m[3]} ${m[4]}`,
      isoTime: `${m[1]}-${m[2]}-${m[3]} ${m[4]}`,
      level: webLevel(m[5]),
      service: null,
      message: m[6] ?? '',
    }),
  },
  // Apache 2.2 and 2.4: [Sun Dec 04 04:47:44 2005] [error] …, [Thu Jun 27 06:58:09.169510 2024] [core:error] [pid 1:tid 2] …
  {
    pattern: re(
      `^\\[(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ${APACHE_MONTH} (\\d{2}) (\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,6})?) (\\d{4})\\] \\[(?:[\\w-]+:)?(emerg|alert|crit|error|warn|notice|info|debug|trace[1-8])\\] (?:\\[pid \\d+(?::tid \\d+)?\\] )?(.*)$`,
    ),
    read: (m) => ({
      time: `${m[1]} ${m[2]} ${m[3]} ${m[4]}`,
      isoTime: `${m[4]}-${MONTH_NUMBERS[m[1] ?? ''] ?? '00'}-${m[2]} ${m[3]}`,
      level: webLevel(m[5]),
      service: null,
      message: m[6] ?? '',
    }),
  },
];

// What a web server's error line names: Apache's `[client 1.2.3.4:5678]`, nginx's
// `, client: 1.2.3.4, server: …, request: "GET /x HTTP/1.1", host: "shop.example"`, and the
// user of a failed basic authentication (nginx `user "bob" was not found in …`, Apache `user bob: …`).
const WEB_CLIENT = /\[client ([0-9A-Fa-f:.]+?)(?::\d+)?\]|, client: ([^\s,]+)/;
const WEB_REQUEST = /, request: "([A-Z][A-Z-]{1,15}) (\S+)[^"]*"/;
const WEB_HOST = /, host: "([^":]+)(?::\d+)?"/;
const WEB_USER =
  /\buser "([^"]{1,256})"(?: was not found|: password mismatch)|\buser (\S{1,256}?):? (?:authentication failure|not found)\b/;

function webErrorFields(event: NewEvent, message: string): void {
  const head = message.slice(0, SCAN_LIMIT);
  const client = WEB_CLIENT.exec(head);
  event.clientIp = client?.[1] ?? client?.[2] ?? null;
  const request = WEB_REQUEST.exec(head);
  if (request) {
    event.httpMethod = request[1] ?? null;
    event.urlPath = request[2]?.split(/[?#]/, 1)[0] || '/';
  }
  event.host = WEB_HOST.exec(head)?.[1] ?? null;
  const user = WEB_USER.exec(head);
  event.user = user?.[1] ?? user?.[2] ?? null;
}

const LARAVEL_SHAPES: readonly Shape[] = [
  // [2023-05-15 18:19:32] local.ERROR: msg {"exception":"[object] (…)"}
  {
    pattern: re(`^\\[${TS}\\] [\\w.-]+\\.${LARAVEL_LEVEL}: (.*)$`),
    read: (m) => iso(m[1] ?? '', m[2], m[3]),
  },
];

// Exception headers and frames, as each runtime prints them.
const JAVA_FRAME = /^\s+at \S|^at [\w$.<>/]+\(/;
// A class name ending like an exception, or any package-qualified class name.
const JAVA_TYPE =
  /^(?:(?:[a-zA-Z_$][\w$]*\.)*[A-Z][\w$]*(?:Exception|Error|Throwable|Failure)|(?:[a-z_$][\w$]*\.)+[A-Z][\w$]*)$/;
const JAVA_INLINE = /\b((?:[a-z_$][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error))(?::\s*(.*)|\s*$)/;
// Hostile text: patterns that can backtrack only ever see this much of a line.
const SCAN_LIMIT = 4096;

// The JVM's own report of an exception nobody caught: `Exception in thread "main" java.…`.
const UNCAUGHT = /^Exception in thread "[^"]*" /;

/** `java.lang.IllegalStateException: msg` (or the type alone) as type and message. */
function javaHeader(line: string): { type: string; message: string | null } | null {
  const text = line.trim().replace(UNCAUGHT, '');
  const colon = text.indexOf(':');
  const name = colon < 0 ? text : text.slice(0, colon);
  if (name.length === 0 || name.length > 512 || !JAVA_TYPE.test(name)) return null;
  return { type: name, message: colon < 0 ? null : text.slice(colon + 1).trim() || null };
}
const TRACEBACK = /^\s*Traceback \(most recent call last\):\s*$/;

interface ExceptionFields {
  type: string | null;
  message: string | null;
  stack: string | null;
}

const NONE: ExceptionFields = { type: null, message: null, stack: null };

function javaException(message: string, rest: readonly string[]): ExceptionFields {
  const firstFrame = rest.findIndex((line) => JAVA_FRAME.test(line));
  if (firstFrame >= 0) {
    // The header is the last exception-shaped line before the first frame.
    for (let i = firstFrame - 1; i >= 0; i -= 1) {
      const header = javaHeader(rest[i] ?? '');
      if (header) return { ...header, stack: rest.slice(i).join('\n') };
    }
    const inMessage = javaHeader(message);
    if (inMessage) return { ...inMessage, stack: [message.trim(), ...rest].join('\n') };
    return { type: null, message: null, stack: rest.join('\n') };
  }
  // No frames: an exception printed alone on the next line, or named in the message.
  const next = javaHeader(rest[0] ?? '');
  if (next && /(?:Exception|Error|Throwable)$/.test(next.type)) return { ...next, stack: rest.join('\n') };
  const inline = JAVA_INLINE.exec(message.slice(0, SCAN_LIMIT));
  if (inline?.[1]) return { type: inline[1], message: inline[2]?.trim() || null, stack: null };
  return NONE;
}

function pythonException(message: string, rest: readonly string[]): ExceptionFields {
  const start = rest.findIndex((line) => TRACEBACK.test(line));
  let stack: string[] | null = null;
  if (start >= 0) stack = rest.slice(start);
  else if (/Traceback \(most recent call last\):\s*$/.test(message) && rest.length > 0) {
    stack = ['Traceback (most recent call last):', ...rest];
  }
  if (!stack) return NONE;
  // The last line that is neither a frame nor its source line states the exception.
  for (let i = stack.length - 1; i > 0; i -= 1) {
    const line = stack[i] ?? '';
    if (line.trim() === '' || /^\s/.test(line) || /^File "/.test(line)) continue;
    const m = /^([A-Za-z_][\w.]*)(?::\s?(.*))?$/s.exec(line.trim());
    if (m) return { type: m[1] ?? null, message: m[2]?.trim() || null, stack: stack.join('\n') };
    break;
  }
  return { type: null, message: null, stack: stack.join('\n') };
}

/** JSON string escapes, for a context that is not valid JSON as a whole. */
function unescapeJson(text: string): string {
  return text.replace(/\\(u[0-9a-fA-F]{4}|["\\/bfnrt])/g, (_, e: string) => {
    if (e.startsWith('u')) return String.fromCharCode(parseInt(e.slice(1), 16));
    return ({ b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' } as Record<string, string>)[e] ?? e;
  });
}

const LARAVEL_EXCEPTION = '"exception":"[object] (';
const LARAVEL_OBJECT = /^\[object\] \(([^\s(]{1,512})\(code: -?\d+\): /;

/**
 * Where the JSON context holding Laravel's exception starts in a record, or -1. It may carry
 * other keys first (`{"userId":7,"exception":…`), and it starts on a later line when the
 * message itself spans lines (PHP's "Uncaught …\nStack trace:\n#0 …\n  thrown {…").
 */
function laravelContextStart(record: string): number {
  const key = record.indexOf(LARAVEL_EXCEPTION);
  return key < 0 ? -1 : record.lastIndexOf(' {', key);
}

/** The exception Laravel writes into the log context: type, message, and its trace blocks. */
function laravelException(record: string, at: number): ExceptionFields {
  if (at < 0) return NONE;
  // Up to the last brace; a cut record (no brace after the context) is read to its end.
  const close = record.lastIndexOf('}');
  const context = close > at ? record.slice(at + 1, close + 1) : record.slice(at + 1);
  let text: string | null = null;
  try {
    // Monolog writes the trace's line ends raw inside the JSON string.
    const parsed = JSON.parse(context.replace(/\r/g, '\\r').replace(/\n/g, '\\n').replace(/\t/g, '\\t')) as unknown;
    const exception = (parsed as { exception?: unknown }).exception;
    if (typeof exception === 'string') text = exception;
  } catch {
    text = null;
  }
  if (text === null) {
    // The string's text, up to its closing `"}` when there is one (found without a pattern
    // that could backtrack over hostile text).
    const start = context.indexOf(LARAVEL_EXCEPTION) + LARAVEL_EXCEPTION.length - '[object] ('.length;
    const end = context.lastIndexOf('"}');
    text = unescapeJson(end > start ? context.slice(start, end) : context.slice(start));
  }
  const stack = text.replace(/\n+$/, '');
  const m = LARAVEL_OBJECT.exec(stack);
  if (!m) return { type: null, message: null, stack };
  // `Type(code: N): message at /file.php:line)` then the `[stacktrace]` block.
  let end = stack.indexOf(')\n[stacktrace]');
  if (end < 0) end = stack.endsWith(')') ? stack.length - 1 : stack.length;
  let message = stack.slice(m[0].length, end);
  const throwSite = message.lastIndexOf(' at ');
  if (throwSite >= 0 && /:\d+$/.test(message)) message = message.slice(0, throwSite);
  return { type: m[1] ?? null, message: message.trim() || null, stack };
}

/** Fields a Laravel context often carries (the request's IP, method and path). */
function laravelRequestFields(event: NewEvent, contextText: string): void {
  if (!contextText.startsWith('{') || contextText.length > 65536) return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(contextText);
  } catch {
    return;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return;
  const ctx = parsed as Record<string, unknown>;
  const str = (key: string): string | null => {
    const v = ctx[key];
    return typeof v === 'string' && v.trim() !== '' && v.length < 2048 ? v : null;
  };
  event.clientIp = str('ip');
  const method = str('method');
  event.httpMethod = method && /^[A-Za-z]{3,10}$/.test(method) ? method.toUpperCase() : null;
  const path = str('path') ?? str('url');
  event.urlPath = path?.startsWith('/') ? path : null;
}

type Family = 'java' | 'python' | 'laravel' | 'web';

// A WSGI server's request line inside a Python record (OpenStack's eventlet.wsgi:
// `10.11.10.1 "GET /v2/servers HTTP/1.1" status: 200 len: 1893 time: 0.2477829`, seconds).
// Behind a proxy the address is X-Forwarded-For's list (`10.11.21.122,10.11.10.1`): the first
// is the client.
const WSGI_ACCESS =
  /(?:^|\s)(?:([0-9A-Fa-f:.]{3,45})(?:,[0-9A-Fa-f:.]{3,45})*,? )?"([A-Z][A-Z-]{1,15}) (\S+) HTTP\/[\d.]+" status: (\d{3}) len: \d+ time: (\d+(?:\.\d+)?)/;

function wsgiAccessFields(event: NewEvent, message: string): void {
  const m = WSGI_ACCESS.exec(message.slice(0, SCAN_LIMIT));
  if (!m) return;
  event.clientIp ??= m[1] ?? null;
  event.httpMethod = m[2] ?? null;
  event.urlPath = m[3]?.split(/[?#]/, 1)[0] || '/';
  event.status = Number(m[4]);
  event.durationMs = Number(m[5]) * 1000;
}

// `key=value` or `key="value"` pairs that name who and from where (Keycloak's events:
// `ipAddress="203.0.113.5", …, username="bob"`; logfmt-style messages).
const KEY_IP =
  /\b(?:ipAddress|ip_address|client_ip|clientIp|remote_addr|remoteAddr|src_ip)="?([0-9A-Fa-f:.]{3,45})"?(?=[\s,;]|$)/;
const KEY_USER = /\b(?:username|user_name|user)="?([^\s",;=]{1,256})"?(?=[\s,;]|$)/;
const IP_TEXT = /^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*)$/;

/** The user and client address a message names as key=value pairs, if it does. */
function keyValueFields(event: NewEvent, message: string): void {
  const head = message.slice(0, SCAN_LIMIT);
  const ip = KEY_IP.exec(head)?.[1];
  if (ip !== undefined && IP_TEXT.test(ip)) event.clientIp ??= ip;
  const user = KEY_USER.exec(head)?.[1];
  if (user !== undefined && user !== 'null' && user !== '-') event.user ??= user;
}

const DATE_IN_NAME = /(?:^|\D)((?:19|20)\d{2})-?(0[1-9]|1[0-2])-?(0[1-9]|[12]\d|3[01])(?!\d)/;

/**
 * logrotate's `dateext` (`app.log-20241027`, `app.log.20241027.gz`): the day the file was
 * rotated, usually the day after its records were written, so never taken for their day.
 */
const ROTATION_DATE = /\.log[-.]?(?:19|20)\d{6}(?:\D|$)/;

/** The day a log of times without dates was written: the `date` option, else the file's name. */
function dayOf(ctx: FormatContext): number | null {
  const given = ctx.options.date;
  if (typeof given !== 'string' && ROTATION_DATE.test(ctx.fileName)) return null;
  const m =
    typeof given === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(given.trim()) : DATE_IN_NAME.exec(ctx.fileName);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(year, month - 1, day);
  return new Date(ms).getUTCDate() === day ? ms : null;
}

const DAY_MS = 86_400_000;

/**
 * Dates the times of day of one file in order: from its first day, a day later each time the
 * clock goes back by more than twelve hours (midnight passed between two records).
 */
class DayClock {
  private last = -1;
  private day: number | null;

  constructor(ctx: FormatContext) {
    this.day = dayOf(ctx);
  }

  /** `HH:mm:ss.SSS` as `YYYY-MM-DDTHH:mm:ss.SSS`, or null when the file's day is not known. */
  date(timeOfDay: string): string | null {
    if (this.day === null) return null;
    const [h = 0, mi = 0, sec = 0] = timeOfDay.split(/[:.,]/, 3).map(Number);
    const seconds = h * 3600 + mi * 60 + sec;
    if (this.last >= 0 && seconds < this.last - 12 * 3600) this.day += DAY_MS;
    this.last = seconds;
    return `${new Date(this.day).toISOString().slice(0, 10)}T${timeOfDay.replace(',', '.')}`;
  }
}

const NO_DATE =
  "has a time of day but no date (as logback's, log4j2's and WildFly's default layouts write): import it with the day of its first record (coalmine import --date DD/MM/YYYY), or keep the date in the file's name (app.2024-01-01.log; a logrotate date after .log is the day it was rotated, not written)";

function recordToEvent(
  record: AssembledRecord<Header>,
  family: Family,
  ctx: FormatContext,
  sink: RecordSink,
  clock: DayClock,
): void {
  const raw = record.lines.join('\n');
  const { header } = record;
  const isoTime = header.timeOnly ? clock.date(header.isoTime) : header.isoTime;
  if (isoTime === null) {
    sink.reject(record.firstLine, `time "${header.time}" ${NO_DATE}`, raw);
    return;
  }
  const time = parseTime(isoTime, header.zone ?? ctx.zone);
  if (!time.ok) {
    sink.reject(record.firstLine, time.reason, raw);
    return;
  }
  const event = blankEvent(record.firstLine, raw, time.ms, header.time);
  event.level = header.level;
  event.service = header.service;
  event.message = header.message;
  keyValueFields(event, header.message);
  const rest = record.lines.slice(1);
  let exception: ExceptionFields;
  if (family === 'java') exception = javaException(header.message, rest);
  else if (family === 'python') {
    exception = pythonException(header.message, rest);
    wsgiAccessFields(event, header.message);
  } else if (family === 'web') {
    // A web server writes no stack traces: its lines say what happened to a request.
    webErrorFields(event, header.message);
    exception = NONE;
  } else {
    const firstLine = record.lines[0] ?? '';
    const contextStart = laravelContextStart(raw);
    exception = laravelException(raw, contextStart);
    if (contextStart >= 0 && contextStart < firstLine.length) {
      event.message = header.message.slice(0, Math.max(0, header.message.length - (firstLine.length - contextStart)));
    } else {
      // `message {json context} []` on one line.
      const brace = header.message.indexOf(' {');
      if (brace >= 0 && rest.length === 0) {
        const context = header.message.slice(brace + 1).trimEnd();
        laravelRequestFields(event, context.endsWith(' []') ? context.slice(0, -3).trimEnd() : context);
      }
    }
  }
  event.errorType = exception.type;
  event.errorMessage = exception.message;
  event.errorStack = exception.stack;
  sink.event(event);
}

// Lines that belong to a trace, for the probes: a file's first lines may be mostly trace.
const TRACE_LINE: Record<Family, RegExp> = {
  java: /^\s+at \S|^Caused by: |^Exception in thread "|^\s*\.\.\. \d+ (?:more|common frames omitted)|^(?:[a-z_$][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error)\b/,
  python:
    /^\s*Traceback \(most recent call last\):|^\s*File "[^"]+", line \d+|^\s{2,}\S|^[A-Za-z_][\w.]*(?:Error|Exception): /,
  laravel: /^#\d+ |^\[stacktrace\]$|^\[previous exception\] |^"\}\s*$|^Stack trace:$|^\s+thrown\b/,
  web: /(?!)/,
};

function headerOf(shapes: readonly Shape[], text: string): Header | null {
  for (const shape of shapes) {
    const m = shape.pattern.exec(text);
    if (m) return shape.read(m);
  }
  return null;
}

function appLogFormat(name: string, label: string, family: Family, shapes: readonly Shape[]): LogFormat {
  return {
    name,
    label,
    probe(sample) {
      if (sample.length === 0) return 0;
      let headers = 0;
      let trace = 0;
      for (const line of sample) {
        if (headerOf(shapes, line)) headers += 1;
        else if (TRACE_LINE[family].test(line)) trace += 1;
      }
      if (headers === 0) return 0;
      const share = (headers + trace) / sample.length;
      return share < 0.5 ? 0 : 0.5 + 0.45 * share;
    },
    open(ctx, sink) {
      const clock = new DayClock(ctx);
      return multilineParser<Header>(
        sink,
        label.split(' (')[0] ?? name,
        (text) => headerOf(shapes, text),
        (record) => recordToEvent(record, family, ctx, sink, clock),
      );
    },
  };
}

export const javaLogFormat = appLogFormat(
  'java-log',
  'Java log (log4j, logback, Spring Boot, ZooKeeper, Spark, HDFS) with stack traces',
  'java',
  JAVA_SHAPES,
);

export const pythonLogFormat = appLogFormat(
  'python-log',
  'Python log (logging, oVirt vdsm) with tracebacks',
  'python',
  PYTHON_SHAPES,
);

export const webErrorLogFormat = appLogFormat(
  'web-error-log',
  "Web server error log (nginx's error.log, Apache's error_log)",
  'web',
  WEB_ERROR_SHAPES,
);

export const laravelLogFormat = appLogFormat(
  'laravel-log',
  'Laravel log (PHP, Monolog) with [stacktrace] blocks',
  'laravel',
  LARAVEL_SHAPES,
);
