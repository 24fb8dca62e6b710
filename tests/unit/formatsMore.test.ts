// The logs canary rollouts on Kubernetes, AWS and Heroku leave, and a few line shapes around
// them: Kubernetes container logs (CRI files, `kubectl logs --prefix --timestamps`), AWS load
// balancer access logs, Heroku's router and app lines, Go's standard `log`, lograge, Go's
// time.Time.String() in logfmt, Apache's ssl_request_log, and syslog's repeat folds. Each case
// is a few lines written here after the upstream documentation of the format, read as an
// import reads them: detection from the first lines, then the format, then normalise.
import { describe, expect, it } from 'vitest';
import { detectFormat, formatNamed } from '../../electron/core/ingest/formats/index.js';
import { COPIES_PER_LINE, MAX_REPEATS, RSYSLOG_MAX_MESSAGE } from '../../electron/core/ingest/formats/syslogRepeats.js';
import { ContinuationJoiner } from '../../electron/core/ingest/formats/innerLine.js';
import { workloadOfPod } from '../../electron/core/ingest/formats/podWorkload.js';
import { blankEvent } from '../../electron/core/ingest/formats/types.js';
import { runFormat } from '../helpers/runFormat.js';

function read(lines: readonly string[], fileName = 'test.log', zone = 'Europe/London') {
  const format = detectFormat(
    lines.filter((l) => l.trim() !== ''),
    fileName,
  );
  return { format: format.name, ...runFormat(format, lines, { fileName, zone }) };
}

/** Reads the lines with the format named (the lines of a hostile case may not be enough to detect it). */
function runWith(name: string, lines: readonly string[], fileName = 'test.log') {
  return runFormat(formatNamed(name), lines, { fileName });
}

const iso = (ms: number | undefined): string => new Date(ms ?? 0).toISOString();
const byLine = <T extends { sourceLine: number }>(events: T[]): T[] =>
  [...events].sort((a, b) => a.sourceLine - b.sourceLine);

const CRI_FILE = `checkout-canary-7d9f8-x2k4p_shop_app-${'0123456789abcdef'.repeat(4)}.log`;

// One sample of each new format, and of the formats already read that open lines the same way.
const SAMPLES: Record<string, string[]> = {
  'cri-log': [
    '2024-05-01T10:00:00.123456789Z stdout F {"level":"info","msg":"started"}',
    '2024-05-01T10:00:01.000000000Z stderr F plain text',
  ],
  'docker-json-log': [
    '{"log":"{\\"level\\":\\"info\\",\\"msg\\":\\"started\\"}\\n","stream":"stdout","time":"2024-05-01T10:00:00.123456789Z"}',
  ],
  'kubectl-log': [
    '[pod/checkout-canary-7d9f8-x2k4p/app] 2024-05-01T10:00:00.123Z {"msg":"started"}',
    '[pod/checkout-stable-5c6d7-abcde/app] 2024-05-01T10:00:00.200Z GET /health 200',
  ],
  'elb-log': [
    'https 2024-05-01T10:00:00.123456Z app/shop-alb/50dc6c495c0c9188 203.0.113.5:46532 10.0.0.66:8080 0.001 0.026 0.000 200 200 34 366 "GET https://shop.example.com:443/cart HTTP/1.1" "curl/8.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:eu-west-2:123456789012:targetgroup/checkout-canary/73e2d6bc24d8a067 "Root=1-5833" "shop.example.com" "-" 1 2024-05-01T10:00:00.097000Z "forward" "-" "-" "10.0.0.66:8080" "200" "-" "-"',
  ],
  'heroku-log': [
    '2024-05-01T10:00:00.123456+00:00 heroku[router]: at=info method=GET path="/cart" host=shop.herokuapp.com request_id=8601b555 fwd="203.0.113.5" dyno=web.1 connect=1ms service=23ms status=200 bytes=512 protocol=https',
    '2024-05-01T10:00:01.000000+00:00 app[web.1]: Started GET "/cart"',
  ],
  'ruby-log': [
    'I, [2024-05-01T10:00:00.123456 #4242]  INFO -- : [req-7f3a] method=GET path=/cart format=html controller=CartsController action=show status=200 duration=12.34 view=5.1 db=2.2',
  ],
  'go-log': ['2024/05/01 10:00:00 listening on :8080', '2024/05/01 10:00:01.123456 server.go:42: request failed'],
  'access-log': [
    '192.0.2.10 - bob [01/May/2024:10:00:00 +0000] "GET /cart HTTP/1.1" 200 512 "-" "curl/8"',
    '[01/May/2024:10:00:00 +0000] 192.0.2.1 TLSv1.2 ECDHE-RSA-AES128-GCM-SHA256 "GET / HTTP/1.1" 2326',
  ],
  syslog: [
    '2024-05-01T10:00:00.123456+00:00 web01 sshd[99]: Failed password for root from 203.0.113.12 port 22 ssh2',
    '<158>1 2024-05-01T10:00:00.123456+00:00 host heroku router - at=info method=GET path="/" host=a.herokuapp.com fwd="203.0.113.5" dyno=web.1 connect=1ms service=5ms status=200 bytes=1',
  ],
  'json-lines': ['{"time":"2024-05-01T10:00:00Z","level":"info","msg":"started"}'],
  logfmt: ['time=2024-05-01T10:00:00Z level=info msg="started" status=200'],
  'java-log': ['2024-05-01T10:00:00.123Z ERROR [main] com.shop.Pay - capture failed'],
  'web-error-log': [
    '2024/05/01 10:00:00 [error] 12#12: *5 open() "/x" failed (2: No such file or directory), client: 192.0.2.1',
  ],
};

describe('detection of the new formats, and of the formats they resemble', () => {
  for (const [name, lines] of Object.entries(SAMPLES)) {
    it(`reads the ${name} sample as ${name}`, () => {
      expect(detectFormat(lines, name === 'cri-log' ? CRI_FILE : 'x.log').name).toBe(name);
    });
  }

  it('takes bare `kubectl logs --timestamps` lines only where no other format reads them', () => {
    expect(detectFormat(['2024-05-01T10:00:00.123456789Z hello', '2024-05-01T10:00:01Z world'], 'x.log').name).toBe(
      'kubectl-log',
    );
    // An ISO time then a host and a program is syslog's; a level after it an application log's.
    expect(detectFormat(SAMPLES.syslog?.slice(0, 1) ?? [], 'x.log').name).toBe('syslog');
    expect(detectFormat(SAMPLES['java-log'] ?? [], 'x.log').name).toBe('java-log');
  });
});

describe('CRI container logs', () => {
  it('maps the app line with its own format, the pod and container from the file name, and tags by pod', () => {
    const run = read(
      [
        '2024-05-01T10:00:00.123456789Z stdout F {"level":"error","msg":"login failed","status":401,"user":"bob","client_ip":"203.0.113.9","method":"POST","url":"/login?next=/"}',
        '2024-05-01T10:00:01.5Z stdout F {"time":"2024-05-01T10:00:01.400Z","msg":"own time wins"}',
        '2024-05-01T10:00:02Z stdout F 10.0.0.1 - - [01/May/2024:10:00:02 +0000] "GET /cart?id=7 HTTP/1.1" 503 12 "-" "curl/8" 0.250',
        '2024-05-01T10:00:03Z stdout F time="2024-05-01 10:00:03.25 +0000 UTC m=+0.000123" level=warn msg="slow" duration=250ms',
        '2024-05-01T10:00:04Z stdout F 2024/05/01 11:00:04 main.go:12: listening',
        '2024-05-01T10:00:05Z stderr F ERROR: could not reach the database',
        '2024-05-01T10:00:06Z stdout F Failed password for root from 203.0.113.12 port 22 ssh2',
        '2024-05-01T10:00:07Z stdout F 2024-05-01 10:00:07,000 - shop.pay - WARNING - retrying the capture',
      ],
      CRI_FILE,
    );
    expect(run.format).toBe('cri-log');
    expect(run.rejects).toEqual([]);
    const events = byLine(run.events);
    expect(events.map((e) => [e.sourceLine, iso(e.ts), e.tsText])).toEqual([
      [1, '2024-05-01T10:00:00.123Z', '2024-05-01T10:00:00.123456789Z'],
      [2, '2024-05-01T10:00:01.400Z', '2024-05-01T10:00:01.400Z'],
      [3, '2024-05-01T10:00:02.000Z', '01/May/2024:10:00:02 +0000'],
      [4, '2024-05-01T10:00:03.250Z', '2024-05-01 10:00:03.25 +0000 UTC m=+0.000123'],
      // Go's zone-less time is the container's local time, not the import's: the runtime's exact time is taken.
      [5, '2024-05-01T10:00:04.000Z', '2024-05-01T10:00:04Z'],
      [6, '2024-05-01T10:00:05.000Z', '2024-05-01T10:00:05Z'],
      [7, '2024-05-01T10:00:06.000Z', '2024-05-01T10:00:06Z'],
      [8, '2024-05-01T10:00:07.000Z', '2024-05-01T10:00:07Z'],
    ]);
    for (const e of events) {
      expect(e).toMatchObject({ pod: 'checkout-canary-7d9f8-x2k4p', service: 'checkout', track: 'canary' });
    }
    expect(events[0]).toMatchObject({
      level: 'error',
      message: 'login failed',
      status: 401,
      user: 'bob',
      clientIp: '203.0.113.9',
      httpMethod: 'POST',
      urlPath: '/login',
      authFailure: true,
      authRule: 'http-401',
      raw: '2024-05-01T10:00:00.123456789Z stdout F {"level":"error","msg":"login failed","status":401,"user":"bob","client_ip":"203.0.113.9","method":"POST","url":"/login?next=/"}',
    });
    expect(events[2]).toMatchObject({ status: 503, durationMs: 250, clientIp: '10.0.0.1', urlPath: '/cart' });
    expect(events[3]).toMatchObject({ level: 'warn', message: 'slow', durationMs: 250 });
    expect(events[4]).toMatchObject({ message: 'listening', level: null });
    expect(events[5]).toMatchObject({ message: 'ERROR: could not reach the database', level: 'error' });
    expect(events[6]).toMatchObject({ authRule: 'sshd-failed-password', user: null });
    expect(events[7]).toMatchObject({ level: 'warning' });
  });

  it("takes the runtime's exact time over an app time without an offset, never the import's zone", () => {
    const run = read(
      [
        '2024-05-01T10:00:00.500Z stdout F {"time":"2024-05-01T10:00:00.123","msg":"zone-less ISO"}',
        '2024-05-01T10:00:01.500Z stdout F {"asctime":"2024-05-01 10:00:01,123","levelname":"INFO","message":"python"}',
        '2024-05-01T10:00:02.500Z stdout F time="2024-05-01 10:00:02,123" level=info msg="logfmt without an offset"',
        '2024-05-01T10:00:03.500Z stdout F {"time":"2024-05-01T11:00:03.123+01:00","msg":"own offset wins"}',
        '2024-05-01T10:00:04.500Z stdout F {"ts":1714557604123,"msg":"epoch wins"}',
        '2024-05-01T10:00:05.500Z stdout F {"time":"2024-05-01T10:00:99","msg":"a bad own time still rejects"}',
      ],
      CRI_FILE,
    );
    expect(run.format).toBe('cri-log');
    expect(byLine(run.events).map((e) => [e.sourceLine, iso(e.ts)])).toEqual([
      [1, '2024-05-01T10:00:00.500Z'],
      [2, '2024-05-01T10:00:01.500Z'],
      [3, '2024-05-01T10:00:02.500Z'],
      [4, '2024-05-01T10:00:03.123Z'],
      [5, '2024-05-01T10:00:04.123Z'],
    ]);
    expect(run.rejects.map((r) => r.line)).toEqual([6]);
  });

  it('joins partial (P) records to their full (F) record per stream, at the first part’s line and time', () => {
    const run = read(
      [
        '2024-05-01T10:00:00.000Z stdout P {"level":"info","msg":"a long ',
        '2024-05-01T10:00:00.100Z stderr F a stderr line in between',
        '2024-05-01T10:00:00.200Z stdout P line cut ',
        '2024-05-01T10:00:00.300Z stdout F in three"}',
      ],
      CRI_FILE,
    );
    expect(run.rejects).toEqual([]);
    const events = byLine(run.events);
    expect(events.map((e) => [e.sourceLine, iso(e.ts), e.message])).toEqual([
      [1, '2024-05-01T10:00:00.000Z', 'a long line cut in three'],
      [2, '2024-05-01T10:00:00.100Z', 'a stderr line in between'],
    ]);
    expect(events[0]?.raw.split('\n')).toEqual([
      '2024-05-01T10:00:00.000Z stdout P {"level":"info","msg":"a long ',
      '2024-05-01T10:00:00.200Z stdout P line cut ',
      '2024-05-01T10:00:00.300Z stdout F in three"}',
    ]);
  });

  it('joins the lines of a stack trace to the record they follow, from the same container and stream', () => {
    const run = read(
      [
        '2024-05-01T10:00:00Z stdout F 2024-05-01 10:00:00,123 ERROR [main] com.shop.Pay - capture failed',
        '2024-05-01T10:00:00Z stdout F java.lang.IllegalStateException: order 7 has no payment',
        '2024-05-01T10:00:00Z stdout F \tat com.shop.Pay.capture(Pay.java:42)',
        '2024-05-01T10:00:00Z stdout F \t... 3 more',
        '2024-05-01T10:00:01Z stdout F next record',
      ],
      CRI_FILE,
    );
    const events = byLine(run.events);
    expect(events.map((e) => [e.sourceLine, e.level, e.errorType, e.errorMessage])).toEqual([
      [1, 'error', 'java.lang.IllegalStateException', 'order 7 has no payment'],
      [5, null, null, null],
    ]);
    expect(events[0]?.raw.split('\n')).toHaveLength(4);
    expect(events[0]?.fingerprint).not.toBeNull();
  });

  it('joins only lines written with the record: a later or unrelated exception line is its own record', () => {
    const run = read(
      [
        '2024-05-01T10:06:00Z stdout F INFO cart updated',
        // Three minutes later: never the info line's trace.
        '2024-05-01T10:09:00Z stdout F TimeoutError: upstream timed out',
        '2024-05-01T10:09:00.000100Z stdout F \tat Gateway.call (/app/gateway.js:12:5)',
        '2024-05-01T10:10:00Z stdout F INFO retrying',
        // At once, but an exception header under an ordinary line is not its trace.
        '2024-05-01T10:10:00.000200Z stdout F ValueError: bad input',
        '2024-05-01T10:11:00Z stdout F ERROR payment failed',
        '2024-05-01T10:11:00.000300Z stdout F java.lang.IllegalStateException: no payment',
        '2024-05-01T10:11:00.000400Z stdout F \tat com.shop.Pay.capture(Pay.java:42)',
        // A frame long after its record: a line of its own.
        '2024-05-01T10:12:00Z stdout F \tat com.shop.Pay.capture(Pay.java:42)',
        // A traceback printed on its own: its exception line ends it.
        '2024-05-01T10:13:00Z stderr F Traceback (most recent call last):',
        '2024-05-01T10:13:00.000100Z stderr F ValueError: bad state',
      ],
      CRI_FILE,
    );
    expect(run.rejects).toEqual([]);
    const events = byLine(run.events);
    expect(events.map((e) => [e.sourceLine, e.errorType, e.errorMessage, e.raw.split('\n').length])).toEqual([
      [1, null, null, 1],
      [2, 'TimeoutError', 'upstream timed out', 2],
      [4, null, null, 1],
      [5, 'ValueError', 'bad input', 1],
      [6, 'java.lang.IllegalStateException', 'no payment', 3],
      [9, null, null, 1],
      [10, 'ValueError', 'bad state', 2],
    ]);
    expect(events[1]?.errorStack).toBe('TimeoutError: upstream timed out\n\tat Gateway.call (/app/gateway.js:12:5)');
    expect(iso(events[1]?.ts)).toBe('2024-05-01T10:09:00.000Z');
  });

  it("joins a Python traceback whole: the frames' indented source lines, 3.11's markers, and a chained traceback", () => {
    const t = (micros: number) => `2024-05-01T10:20:00.${String(micros).padStart(6, '0')}Z stderr F `;
    const run = read(
      [
        `${t(0)}2024-05-01 10:20:00,000 ERROR shop.pay: charge failed`,
        `${t(10)}Traceback (most recent call last):`,
        `${t(20)}  File "/app/shop/pay.py", line 10, in charge`,
        `${t(30)}    return amount / rate`,
        `${t(40)}           ~~~~~~~^~~~~~`,
        `${t(50)}ZeroDivisionError: division by zero`,
        `${t(60)}`,
        `${t(70)}The above exception was the direct cause of the following exception:`,
        `${t(80)}`,
        `${t(90)}Traceback (most recent call last):`,
        `${t(100)}  File "/app/shop/views.py", line 31, in checkout`,
        `${t(110)}    pay.charge(order)`,
        `${t(120)}shop.errors.PaymentFailed: order 7 could not be charged`,
        // At once, but after the statement an ordinary line is a record of its own.
        `${t(130)}2024-05-01 10:20:00,130 INFO shop.pay: retry scheduled`,
        // An exception type with no Error/Exception suffix ends a traceback too.
        `${t(140)}2024-05-01 10:20:00,140 ERROR django.request: Forbidden: /admin`,
        `${t(150)}Traceback (most recent call last):`,
        `${t(160)}  File "/app/shop/admin.py", line 5, in view`,
        `${t(170)}    raise PermissionDenied`,
        `${t(180)}django.core.exceptions.PermissionDenied`,
      ],
      CRI_FILE,
    );
    expect(run.rejects).toEqual([]);
    const events = byLine(run.events);
    expect(events.map((e) => [e.sourceLine, e.level, e.errorType, e.errorMessage, e.raw.split('\n').length])).toEqual([
      [1, 'error', 'shop.errors.PaymentFailed', 'order 7 could not be charged', 11],
      [14, 'info', null, null, 1],
      [15, 'error', 'django.core.exceptions.PermissionDenied', null, 5],
    ]);
    expect(events[0]?.errorStack?.split('\n')).toContain('    return amount / rate');
    // The cause is part of the group: the same wrapper for another cause is another bug.
    const causedByOther = read(
      [
        `${t(0)}2024-05-01 10:20:00,000 ERROR shop.pay: charge failed`,
        `${t(10)}Traceback (most recent call last):`,
        `${t(20)}  File "/app/shop/pay.py", line 12, in charge`,
        `${t(30)}    gateway.post(order)`,
        `${t(40)}TimeoutError: gateway timed out`,
        `${t(70)}The above exception was the direct cause of the following exception:`,
        `${t(90)}Traceback (most recent call last):`,
        `${t(100)}  File "/app/shop/views.py", line 31, in checkout`,
        `${t(110)}    pay.charge(order)`,
        `${t(120)}shop.errors.PaymentFailed: order 9 could not be charged`,
      ],
      CRI_FILE,
    );
    // The interpreter's own report of an uncaught exception: no log line above it.
    const uncaught = read(
      [
        `${t(0)}Traceback (most recent call last):`,
        `${t(10)}  File "/app/main.py", line 12, in <module>`,
        `${t(20)}    main()`,
        `${t(30)}  File "/app/main.py", line 8, in main`,
        `${t(40)}    cfg['sku']`,
        `${t(50)}KeyError: 'sku'`,
      ],
      CRI_FILE,
    );
    expect(uncaught.events.map((e) => [e.errorType, e.errorMessage, e.raw.split('\n').length])).toEqual([
      ['KeyError', "'sku'", 6],
    ]);
    // Cut before its statement (the next line came seconds later): no type is made up from a
    // source line; and a log line between frames (another thread) is not taken for the statement.
    const cut = read(
      [
        `${t(0)}2024-05-01 10:20:00,000 ERROR shop.pay: charge failed`,
        `${t(10)}Traceback (most recent call last):`,
        `${t(20)}  File "/app/shop/pay.py", line 10, in charge`,
        `${t(30)}    raise`,
        '2024-05-01T10:20:03Z stderr F 2024-05-01 10:20:03,000 INFO shop.pay: retry scheduled',
        `${t(40)}`.replace('10:20:00', '10:20:06') + 'Traceback (most recent call last):',
        `${t(50)}`.replace('10:20:00', '10:20:06') + '  File "/app/shop/pay.py", line 10, in charge',
        `${t(60)}`.replace('10:20:00', '10:20:06') + 'WARNING: connection pool is full, discarding connection: db',
      ],
      CRI_FILE,
    );
    expect(byLine(cut.events).map((e) => [e.sourceLine, e.errorType, e.raw.split('\n').length])).toEqual([
      [1, null, 4],
      [5, null, 1],
      [6, null, 2],
      [8, null, 1],
    ]);
    expect(causedByOther.events).toHaveLength(1);
    expect(causedByOther.events[0]?.errorType).toBe('shop.errors.PaymentFailed');
    expect(causedByOther.events[0]?.fingerprint).not.toBe(events[0]?.fingerprint);
  });

  it('finishes the oldest held records first when their text passes the held limit', () => {
    const finished: number[] = [];
    const joiner = new ContinuationJoiner(
      { event: (e) => finished.push(e.sourceLine), metric: () => {}, reject: () => {} },
      250,
    );
    const add = (key: string, line: number, inner: string) => {
      const raw = `${inner} ${'.'.repeat(100)}`;
      joiner.add(key, inner, line, raw, 0, () => ({ ok: true, event: blankEvent(line, raw, 0, '') }));
    };
    add('a', 1, 'ERROR a failed');
    add('b', 2, 'ERROR b failed');
    expect(finished).toEqual([]);
    add('c', 3, 'ERROR c failed'); // about 350 characters held: a, the oldest, is finished
    expect(finished).toEqual([1]);
    add('b', 4, '\tat B.run(B.java:1)'); // joins b, which is now the most recent
    expect(finished).toEqual([1, 3]);
    joiner.end();
    expect(finished).toEqual([1, 3, 2]);
  });

  it('rejects bad lines with their number and reason, and a line whose full record never comes', () => {
    const run = read(
      [
        '2024-05-01T10:00:00Z stdout F fine',
        '2024-13-01T10:00:00Z stdout F month 13',
        '2024-05-01T10:00:00Z stdout X unknown tag',
        'truncated 2024-05-01T10:00:00Z',
        '2024-05-01T10:00:00Z stdout F {"time":"yesterday","msg":"a bad time of its own"}',
        '2024-05-01T10:00:01Z stdout P the file ends before ',
      ],
      CRI_FILE,
    );
    expect(run.events.map((e) => e.message)).toEqual(['fine']);
    expect(run.rejects.map((r) => [r.line, r.reason])).toEqual([
      [2, 'time "2024-13-01T10:00:00Z" is not a real date and time'],
      [3, 'CRI tag "X" is neither P (partial) nor F (full)'],
      [4, 'not a CRI container log line (time stdout|stderr P|F content)'],
      [5, 'time: time "yesterday" is not ISO 8601'],
      [6, 'partial (P) records the file ends before their full (F) record: the rest of the line is not in this file'],
    ]);
  });

  it("names the service after the pod's workload, not the container (often just `app`)", () => {
    expect(
      [
        'checkout-7d9f8c6b54-x2k4p', // Deployment
        'checkout-canary-5d59d67564-q8zmw', // a `-canary` Deployment
        'checkout-primary-6c9b8f7d4-vwz2t', // Flagger's primary
        'payments-baseline-0', // a StatefulSet
        'node-exporter-7xkq2', // DaemonSet
        'ledger-stable-12', // StatefulSet with a track word
        'web', // nothing to reduce
        'checkout-canary', // a bare pod named by hand
      ].map(workloadOfPod),
    ).toEqual(['checkout', 'checkout', 'checkout', 'payments', 'node-exporter', 'ledger', null, null]);
    const file = (pod: string) => `${pod}_shop_app-${'0123456789abcdef'.repeat(4)}.log`;
    const line = '2024-05-01T10:00:00Z stdout F GET /pay 500';
    expect(read([line], file('payments-7d9f8c6b54-x2k4p')).events[0]?.service).toBe('payments');
    expect(read([line], file('checkout-canary-5d59d67564-q8zmw')).events[0]?.service).toBe('checkout');
    // A pod name that does not reduce leaves the container's name.
    expect(read([line], file('web')).events[0]?.service).toBe('app');
  });

  it('leaves pod and service empty when neither the file name nor its folders name them', () => {
    const run = read(['2024-05-01T10:00:00Z stdout F hello'], '0.log');
    expect(run.events[0]).toMatchObject({ pod: null, service: null, track: 'unknown', message: 'hello' });
    const elsewhere = runFormat(formatNamed('cri-log'), ['2024-05-01T10:00:00Z stdout F hello'], {
      fileName: '0.log',
      filePath: '/tmp/export/app/0.log',
    });
    expect(elsewhere.events[0]).toMatchObject({ pod: null, service: null });
  });

  it("takes pod and container from the kubelet's folders (/var/log/pods/<ns>_<pod>_<uid>/<container>/), rotated files too", () => {
    const folder = '/var/log/pods/shop_checkout-canary-7d9f8c6b54-x2k4p_0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0/app';
    for (const name of ['0.log', '3.log.20240501-101010', '0.log.20240501-101010.gz']) {
      const run = runFormat(formatNamed('cri-log'), ['2024-05-01T10:00:00Z stdout F GET /pay 500'], {
        fileName: name,
        filePath: `${folder}/${name}`,
      });
      expect(run.events[0], name).toMatchObject({
        pod: 'checkout-canary-7d9f8c6b54-x2k4p',
        service: 'checkout',
        track: 'canary',
      });
    }
  });
});

describe("Docker's json-file", () => {
  it('reads the app line inside `log` with its own mapping, joins a cut line, and rejects what is not an entry', () => {
    const entry = (log: string, time: string, stream = 'stdout') => JSON.stringify({ log, stream, time });
    const run = read(
      [
        entry('{"level":"error","msg":"login failed","status":401}\n', '2024-05-01T10:00:00.123456789Z'),
        entry('the first 16 KiB of a long line, ', '2024-05-01T10:00:01Z'),
        entry('warning: on stderr meanwhile\n', '2024-05-01T10:00:01.5Z', 'stderr'),
        entry('and its end\n', '2024-05-01T10:00:02Z'),
        '{"log":"no time\n","stream":"stdout"}',
        entry('bad time\n', '2024-05-01T10:00:60Z'),
      ],
      CRI_FILE,
    );
    expect(run.format).toBe('docker-json-log');
    const events = byLine(run.events);
    expect(events.map((e) => [e.sourceLine, iso(e.ts), e.message, e.pod, e.track])).toEqual([
      [1, '2024-05-01T10:00:00.123Z', 'login failed', 'checkout-canary-7d9f8-x2k4p', 'canary'],
      [
        2,
        '2024-05-01T10:00:01.000Z',
        'the first 16 KiB of a long line, and its end',
        'checkout-canary-7d9f8-x2k4p',
        'canary',
      ],
      [3, '2024-05-01T10:00:01.500Z', 'warning: on stderr meanwhile', 'checkout-canary-7d9f8-x2k4p', 'canary'],
    ]);
    expect(events[0]).toMatchObject({ status: 401, level: 'error', authRule: 'http-401' });
    expect(run.rejects.map((r) => [r.line, r.reason])).toEqual([
      [5, 'not a Docker json-file entry ({"log":…,"stream":…,"time":…})'],
      [6, 'time "2024-05-01T10:00:60Z" is not a real date and time'],
    ]);
  });
});

describe('kubectl logs', () => {
  it('takes pod and container from --prefix and the time from --timestamps', () => {
    const run = read([
      '[pod/checkout-canary-7d9f8-x2k4p/app] 2024-05-01T10:00:00.123456789Z {"level":"info","msg":"hello","service":"checkout"}',
      '[pod/checkout-stable-5c6d7-abcde/app] 2024-05-01T10:00:00.200+01:00 method=GET path=/cart status=503 duration=12.5 controller=CartsController action=show',
      '[pod/checkout-stable-5c6d7-abcde/app] {"time":"2024-05-01T10:00:01Z","msg":"own time, no --timestamps"}',
    ]);
    expect(run.format).toBe('kubectl-log');
    expect(run.rejects).toEqual([]);
    const events = byLine(run.events);
    expect(events.map((e) => [iso(e.ts), e.pod, e.service, e.track])).toEqual([
      ['2024-05-01T10:00:00.123Z', 'checkout-canary-7d9f8-x2k4p', 'checkout', 'canary'],
      ['2024-05-01T09:00:00.200Z', 'checkout-stable-5c6d7-abcde', 'app', 'stable'],
      ['2024-05-01T10:00:01.000Z', 'checkout-stable-5c6d7-abcde', 'app', 'stable'],
    ]);
    // lograge: a bare duration is milliseconds.
    expect(events[1]).toMatchObject({ httpMethod: 'GET', urlPath: '/cart', status: 503, durationMs: 12.5 });
  });

  it('reads --timestamps without --prefix, and rejects a line with no time at all', () => {
    const run = runWith('kubectl-log', [
      '2024-05-01T10:00:00Z {"msg":"a"}',
      '2024-05-01T10:00:01Z plain b',
      'no prefix, no time',
      '[pod/p-1/app] plain, and no time either',
      '[pod/p-1/app] 2024-02-30T10:00:00Z impossible day',
    ]);
    expect(run.events.map((e) => [e.sourceLine, e.message])).toEqual([
      [1, 'a'],
      [2, 'plain b'],
    ]);
    expect(run.rejects.map((r) => [r.line, r.reason])).toEqual([
      [3, 'not a kubectl logs line ([pod/NAME/CONTAINER] prefix or RFC 3339 time)'],
      [4, 'no time: the line names none and its envelope gives none'],
      [5, 'time "2024-02-30T10:00:00Z" is not a real date and time'],
    ]);
  });
});

describe('AWS load balancer access logs', () => {
  const arn = (group: string) =>
    `arn:aws:elasticloadbalancing:eu-west-2:123456789012:targetgroup/${group}/73e2d6bc24d8a067`;
  const tail = (group: string, error = '-') =>
    `${arn(group)} "Root=1-58337262-36d228ad5d99923122bbe354" "shop.example.com" "arn:aws:acm:eu-west-2:123456789012:certificate/1234" 1 2024-05-01T10:00:00.097000Z "forward" "-" "${error}" "10.0.0.66:8080" "200" "-" "-" TID_1`;

  it('maps an Application Load Balancer line: time, client, request, status, summed times, target group as host', () => {
    const run = read([
      `https 2024-05-01T10:00:00.123456Z app/shop-alb/50dc6c495c0c9188 203.0.113.5:46532 10.0.0.66:8080 0.001 0.026 0.003 401 401 34 366 "POST https://shop.example.com:443/login?next=%2F HTTP/1.1" "Mozilla/5.0 (X11)" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 ${tail('checkout-canary')}`,
      `h2 2024-05-01T10:00:01.000000Z app/shop-alb/50dc6c495c0c9188 2001:db8::7:443 10.0.0.67:8080 -1 -1 -1 502 - 34 0 "GET https://shop.example.com:443/cart HTTP/2.0" "curl/8.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 ${tail('checkout-stable', 'TargetFailedToRespond')}`,
    ]);
    expect(run.format).toBe('elb-log');
    expect(run.rejects).toEqual([]);
    const [first, second] = run.events;
    expect(first).toMatchObject({
      tsText: '2024-05-01T10:00:00.123456Z',
      clientIp: '203.0.113.5',
      httpMethod: 'POST',
      urlPath: '/login',
      status: 401,
      host: 'checkout-canary',
      track: 'canary',
      authRule: 'http-401',
      message: 'POST https://shop.example.com:443/login?next=%2F HTTP/1.1',
    });
    expect(iso(first?.ts)).toBe('2024-05-01T10:00:00.123Z');
    expect(first?.durationMs).toBeCloseTo(30, 6);
    // -1: not processed to the end; the whole wait, from request_creation_time (10:00:00.097) to
    // the response (10:00:01.000), so the slowest requests stay in p95 and p99.
    expect(second).toMatchObject({
      clientIp: '2001:db8::7',
      status: 502,
      durationMs: 903,
      host: 'checkout-stable',
      track: 'stable',
      message: 'GET https://shop.example.com:443/cart HTTP/2.0 (TargetFailedToRespond)',
    });
  });

  it('reads a Classic Load Balancer line (no type, no target group): the host from the URL', () => {
    const run = read([
      '2015-05-13T23:39:43.945958Z my-loadbalancer 192.168.131.39:2817 10.0.0.1:80 0.000073 0.001048 0.000057 200 200 0 29 "GET http://www.example.com:80/ HTTP/1.1" "curl/7.38.0" - -',
    ]);
    expect(run.format).toBe('elb-log');
    expect(run.events[0]).toMatchObject({
      host: 'www.example.com',
      status: 200,
      urlPath: '/',
      clientIp: '192.168.131.39',
    });
    expect(run.events[0]?.durationMs).toBeCloseTo(1.178, 6);
  });

  it('reads a bracketed IPv6 host in the URL; a Classic line with -1 has no duration (nothing says when it began)', () => {
    const run = read([
      '2015-05-13T23:39:43.945958Z my-loadbalancer 192.168.131.39:2817 10.0.0.1:80 0.000073 0.001048 0.000057 200 200 0 29 "GET https://[2001:db8::1]:443/x?y=1 HTTP/1.1" "curl/7.38.0" - -',
      '2015-05-13T23:39:44.945958Z my-loadbalancer 192.168.131.39:2817 - -1 -1 -1 504 0 0 0 "GET http://[::1]/ HTTP/1.1" "curl/7.38.0" - -',
    ]);
    expect(run.rejects).toEqual([]);
    expect(run.events.map((e) => [e.host, e.urlPath, e.status, e.durationMs === null])).toEqual([
      ['2001:db8::1', '/x', 200, false],
      ['::1', '/', 504, true],
    ]);
  });

  it('rejects a truncated line, a bad time, a bad status and a bad processing time with the line', () => {
    const good = `https 2024-05-01T10:00:00.123456Z app/a/1 203.0.113.5:1 10.0.0.66:8080 0.001 0.026 0.003 200 200 34 366 "GET https://a.example:443/ HTTP/1.1" "ua" - - ${tail('tg')}`;
    const run = read([
      good,
      'https 2024-05-01T10:00:00.123456Z app/a/1 203.0.113.5:1 10.0.0.66:8080 0.001',
      good.replace('2024-05-01T10:00:00.123456Z', '2024-05-01 10:00:00'),
      good.replace(' 200 200 ', ' 2xx 200 '),
      good.replace('0.026', 'fast'),
      good.slice(0, good.indexOf(' HTTP/1.1"')),
    ]);
    expect(run.events.map((e) => e.sourceLine)).toEqual([1]);
    expect(run.rejects.map((r) => [r.line, r.reason])).toEqual([
      [2, '5 fields where an ELB access log has at least 12 (truncated line?)'],
      [3, 'time "2024-05-01" is not ISO 8601 UTC'],
      [4, 'elb_status_code "2xx" is not an HTTP status'],
      [5, 'processing times "0.001 fast 0.003" are not seconds (or -1)'],
      [6, 'the request is not quoted (truncated line?)'],
    ]);
  });
});

describe('Heroku logs', () => {
  it('leaves syslog lines without a host to syslog: only Logplex sources (heroku, app) are Heroku', () => {
    const lines = [
      '2024-05-01T10:00:00+00:00 sshd[99]: Failed password for root from 203.0.113.12 port 22 ssh2',
      '2024-05-01T10:00:01+00:00 cron[12]: (root) CMD (run-parts /etc/cron.hourly)',
    ];
    expect(formatNamed('heroku-log').probe(lines, 'auth.log')).toBe(0);
    expect(read(lines, 'auth.log').format).not.toBe('heroku-log');
  });

  it("reads the router's request: connect + service as the duration (service is no service's name)", () => {
    const run = read([
      '2024-05-01T10:00:00.123456+00:00 heroku[router]: at=info method=POST path="/login?next=/" host=shop-canary.herokuapp.com request_id=8601b555 fwd="203.0.113.5, 10.1.1.1" dyno=web.1 connect=1ms service=23ms status=401 bytes=512 protocol=https',
      '2024-05-01T10:00:30.000000+00:00 heroku[router]: at=error code=H12 desc="Request timeout" method=GET path="/slow" host=shop.herokuapp.com request_id=x fwd="203.0.113.6" dyno=web.2 connect=0ms service=30000ms status=503 bytes=0 protocol=https',
      '2024-05-01T10:00:31.000000+00:00 app[web.1]: {"level":"error","msg":"boom","user":"bob"}',
      '2024-05-01T10:00:32.000000+00:00 heroku[web.1]: State changed from up to crashed',
    ]);
    expect(run.format).toBe('heroku-log');
    expect(run.rejects).toEqual([]);
    const events = byLine(run.events);
    expect(events[0]).toMatchObject({
      tsText: '2024-05-01T10:00:00.123456+00:00',
      level: 'info',
      httpMethod: 'POST',
      urlPath: '/login',
      host: 'shop-canary.herokuapp.com',
      pod: 'web.1',
      clientIp: '203.0.113.5',
      status: 401,
      durationMs: 24,
      service: null,
      track: 'canary',
      authRule: 'http-401',
      message: 'POST /login?next=/',
    });
    expect(events[1]).toMatchObject({
      level: 'error',
      status: 503,
      durationMs: 30000,
      pod: 'web.2',
      message: 'H12 Request timeout: GET /slow',
    });
    expect(events[2]).toMatchObject({ level: 'error', message: 'boom', user: 'bob', pod: 'web.1' });
    expect(iso(events[2]?.ts)).toBe('2024-05-01T10:00:31.000Z');
    expect(events[3]).toMatchObject({ message: 'State changed from up to crashed', pod: 'web.1' });
  });

  it("reads a Rails app's Logger lines with lograge in them, at the router's exact time", () => {
    const run = read([
      '2024-05-01T10:00:00.123456+00:00 app[web.1]: I, [2024-05-01T10:00:00.120000 #4]  INFO -- : [8601b555] method=GET path=/cart format=html controller=CartsController action=show status=500 duration=812.5 view=0.0 db=700.1',
      '2024-05-01T10:00:01.000000+00:00 app[web.1]: I, [2024-05-01T10:00:01.000000 #4]  INFO -- : [8601b556] Started GET "/" for 203.0.113.5',
    ]);
    expect(run.format).toBe('heroku-log');
    expect(
      byLine(run.events).map((e) => [iso(e.ts), e.level, e.status, e.durationMs, e.urlPath, e.message, e.pod]),
    ).toEqual([
      ['2024-05-01T10:00:00.123Z', 'info', 500, 812.5, '/cart', null, 'web.1'],
      ['2024-05-01T10:00:01.000Z', 'info', null, null, null, '[8601b556] Started GET "/" for 203.0.113.5', 'web.1'],
    ]);
  });

  it('rejects lines that are not Heroku lines, and a bad time', () => {
    const run = read([
      '2024-05-01T10:00:00+00:00 app[web.1]: fine',
      '2024-05-01T10:00:01+00:00 app[web.1]: fine too',
      'app[web.1]: no time',
      '2024-05-01T25:00:00+00:00 app[web.1]: hour 25',
    ]);
    expect(run.format).toBe('heroku-log');
    expect(run.rejects.map((r) => [r.line, r.reason])).toEqual([
      [3, 'not a Heroku log line (time heroku|app[dyno]: message)'],
      [4, 'time "2024-05-01T25:00:00+00:00" is not a real date and time'],
    ]);
  });

  it('reads router lines that came through a Logplex syslog drain (no structured-data field)', () => {
    const run = read([
      '<158>1 2024-05-01T10:00:00.123456+00:00 host heroku router - at=info method=GET path="/x" host=a.herokuapp.com fwd="203.0.113.5" dyno=web.1 connect=1ms service=5ms status=200 bytes=1',
      '<190>1 2024-05-01T10:00:01.000000+00:00 host app web.1 - Completed 200 OK in 5ms',
    ]);
    expect(run.format).toBe('syslog');
    expect(run.rejects).toEqual([]);
    expect(run.events[0]).toMatchObject({
      status: 200,
      durationMs: 6,
      host: 'a.herokuapp.com',
      pod: 'web.1',
      urlPath: '/x',
    });
    expect(run.events[1]).toMatchObject({ message: 'Completed 200 OK in 5ms', service: 'app' });
  });
});

describe("Go's standard log", () => {
  it('reads the flags: date and time, microseconds, the caller, a prefix; the zone is the import’s', () => {
    const run = read(
      [
        '2024/05/01 10:00:00 listening on :8080',
        '2024/05/01 10:00:01.123456 server.go:42: [ERROR] request failed',
        'checkout: 2024/05/01 10:00:02 /src/app/main.go:7: error: upstream refused',
      ],
      'app.log',
      'Europe/London',
    );
    expect(run.format).toBe('go-log');
    expect(run.rejects).toEqual([]);
    expect(run.events.map((e) => [iso(e.ts), e.tsText, e.level, e.message])).toEqual([
      ['2024-05-01T09:00:00.000Z', '2024/05/01 10:00:00', null, 'listening on :8080'],
      ['2024-05-01T09:00:01.123Z', '2024/05/01 10:00:01.123456', 'error', '[ERROR] request failed'],
      ['2024-05-01T09:00:02.000Z', '2024/05/01 10:00:02', 'error', 'checkout: error: upstream refused'],
    ]);
  });

  it('takes the level a log.New prefix states, and keeps the prefix in the message', () => {
    const lines = [
      'ERROR: 2024/05/01 10:00:00 main.go:12: db down',
      'INFO: 2024/05/01 10:00:01 main.go:13: [WARN] retrying',
      'payments 2024/05/01 10:00:02 main.go:14: [WARN] slow',
    ];
    const run = read(lines, 'app.log');
    expect(run.format).toBe('go-log');
    expect(run.events.map((e) => [e.level, e.message])).toEqual([
      ['error', 'ERROR: db down'],
      ['info', 'INFO: [WARN] retrying'],
      ['warn', 'payments [WARN] slow'],
    ]);
    // The same inside a container envelope.
    const cri = read([`2024-05-01T10:00:00Z stderr F ${lines[0]}`], CRI_FILE);
    expect(cri.events[0]).toMatchObject({ level: 'error', message: 'ERROR: db down' });
  });

  it('joins a panic and its goroutine dump to the record above, named by the panic', () => {
    const run = read([
      '2024/05/01 10:00:00 handling /pay',
      '2024/05/01 10:00:01 http: panic serving 10.0.0.1:1234: runtime error: index out of range [3] with length 3',
      'panic: runtime error: index out of range [3] with length 3',
      '',
      'goroutine 1 [running]:',
      'main.main()',
      '\t/app/main.go:12 +0x1d',
      '2024-05-01 not a record header',
      '2024/02/30 10:00:02 impossible day',
      'its continuation',
    ]);
    expect(run.events.map((e) => [e.sourceLine, e.errorType, e.errorMessage])).toEqual([
      [1, null, null],
      [2, 'panic', 'runtime error: index out of range [3] with length 3'],
    ]);
    expect(run.events[1]?.errorStack?.split('\n')).toHaveLength(6);
    expect(run.events[1]?.level).toBe('fatal');
    expect(run.rejects.map((r) => [r.line, r.reason])).toEqual([
      [9, 'time "2024/02/30 10:00:02" is not a real date and time'],
    ]);
  });

  it("leaves nginx's error log, which opens the same way, to web-error-log", () => {
    expect(detectFormat(SAMPLES['web-error-log'] ?? [], 'error.log').name).toBe('web-error-log');
  });
});

describe('lograge, Go time.Time.String() and the logfmt duration that is not a service', () => {
  it('reads lograge durations as milliseconds, in logfmt and in JSON', () => {
    const run = read([
      'time=2024-05-01T10:00:00Z method=GET path=/users/7 format=html controller=UsersController action=show status=200 duration=58.33 view=40.43 db=15.26',
    ]);
    expect(run.format).toBe('logfmt');
    expect(run.events[0]).toMatchObject({ urlPath: '/users/7', status: 200, durationMs: 58.33 });
    const json = read([
      '{"@timestamp":"2024-05-01T10:00:00Z","@version":"1","method":"GET","path":"/","controller":"A","action":"b","status":200,"duration":58.33,"view":1.5,"db":2}',
    ]);
    expect(json.events[0]?.durationMs).toBe(58.33);
    // Not lograge: a fraction without a unit is still seconds (Caddy, zap).
    const caddy = read(['{"ts":1714557600.5,"level":"info","msg":"handled request","duration":0.0583,"status":200}']);
    expect(caddy.events[0]?.durationMs).toBeCloseTo(58.3, 6);
  });

  it("reads Go's time.Time.String(), with its zone name and a monotonic reading, by its offset", () => {
    const run = read([
      'time="2024-05-01 11:00:00.123456789 +0100 BST" level=info msg=a',
      'time="2024-05-01 10:00:01 +0000 UTC m=+0.001234567" level=info msg=b',
      'time="2024-05-01 10:00:02 -0700 -07" level=info msg=c',
      'time="2024-05-01 10:00:03 +0000 UTC trailing" level=info msg=d',
    ]);
    expect(run.events.map((e) => iso(e.ts))).toEqual([
      '2024-05-01T10:00:00.123Z',
      '2024-05-01T10:00:01.000Z',
      '2024-05-01T17:00:02.000Z',
    ]);
    expect(run.rejects.map((r) => r.line)).toEqual([4]);
  });

  it('never takes a duration (`service=23ms`) for the service name', () => {
    const run = read(['time=2024-05-01T10:00:00Z level=info service=23ms status=200 msg=x app=checkout']);
    expect(run.events[0]?.service).toBe('checkout');
  });
});

describe("Ruby's Logger (Rails production.log) with lograge in it", () => {
  it('skips the header Logger.new(path) writes on line 1: detected, and no reject', () => {
    const run = read(
      [
        '# Logfile created on 2024-05-01 10:00:00 +0100 by logger.rb/v1.6.0',
        'I, [2024-05-01T10:00:00.123456 #4242]  INFO -- : Started GET "/" for 203.0.113.5',
        'E, [2024-05-01T10:00:01.000000 #4242] ERROR -- : boom',
      ],
      'production.log',
    );
    expect(run.format).toBe('ruby-log');
    expect(run.rejects).toEqual([]);
    expect(run.events.map((e) => [e.sourceLine, e.level])).toEqual([
      [2, 'info'],
      [3, 'error'],
    ]);
  });

  it("reads Rails' `Completed 500 … in 45ms` as the request's status and duration, and lograge JSON's path", () => {
    const run = read(
      [
        'I, [2024-05-01T10:00:00.000000 #4242]  INFO -- : [req-1] Started GET "/cart" for 203.0.113.5 at 2024-05-01 10:00:00 +0100',
        'I, [2024-05-01T10:00:00.045000 #4242]  INFO -- : [req-1] Completed 500 Internal Server Error in 45ms (Views: 1.2ms | ActiveRecord: 2.1ms | Allocations: 812)',
        'I, [2024-05-01T10:00:01.000000 #4242]  INFO -- : [req-2] Completed 401 Unauthorized in 3.5ms (ActiveRecord: 0.0ms)',
        'I, [2024-05-01T10:00:02.000000 #4242]  INFO -- : {"method":"GET","path":"/orders/7","format":"html","controller":"OrdersController","action":"show","status":200,"duration":12.3}',
        'I, [2024-05-01T10:00:03.000000 #4242]  INFO -- : Completed the nightly export in 12 minutes',
      ],
      'production.log',
    );
    expect(run.format).toBe('ruby-log');
    expect(run.rejects).toEqual([]);
    expect(run.events.map((e) => [e.sourceLine, e.status, e.durationMs, e.urlPath])).toEqual([
      [1, null, null, null],
      [2, 500, 45, null],
      [3, 401, 3.5, null],
      [4, 200, 12.3, '/orders/7'],
      [5, null, null, null],
    ]);
    const heroku = read([
      '2024-05-01T10:00:00.000000+00:00 app[web.1]: [req-3] Completed 503 Service Unavailable in 30001ms (ActiveRecord: 0.0ms)',
    ]);
    expect(heroku.events[0]).toMatchObject({ status: 503, durationMs: 30001, pod: 'web.1' });
  });

  it('reads the Logger line, the tags aside, the lograge pairs with their ms, and a backtrace', () => {
    const run = read(
      [
        'I, [2024-05-01T10:00:00.123456 #4242]  INFO -- : [req-7f3a] method=POST path=/login format=html controller=SessionsController action=create status=401 duration=12.34 view=5.1 db=2.2',
        'F, [2024-05-01T10:00:01.000000 #4242] FATAL -- : [req-8b1c] ',
        'ActionController::RoutingError (No route matches [GET] "/nope"):',
        '  ',
        "actionpack (7.1.3) lib/action_dispatch/middleware/debug_exceptions.rb:61:in `call'",
        'W, [2024-05-01T10:00:02.5 #4242]  WARN -- sidekiq: {"msg":"retrying","time":"2024-05-01T09:00:02.000Z"}',
        'E, [2024-05-01T25:00:00.000000 #4242] ERROR -- : hour 25',
      ],
      'production.log',
      'Europe/London',
    );
    expect(run.format).toBe('ruby-log');
    expect(run.events.map((e) => [e.sourceLine, iso(e.ts), e.level])).toEqual([
      [1, '2024-05-01T09:00:00.123Z', 'info'],
      [2, '2024-05-01T09:00:01.000Z', 'fatal'],
      [6, '2024-05-01T09:00:02.000Z', 'warn'],
    ]);
    expect(run.events[0]).toMatchObject({
      tsText: '2024-05-01T10:00:00.123456',
      httpMethod: 'POST',
      urlPath: '/login',
      status: 401,
      durationMs: 12.34,
      authRule: 'http-401',
    });
    expect(run.events[1]).toMatchObject({
      errorType: 'ActionController::RoutingError',
      errorMessage: 'No route matches [GET] "/nope"',
    });
    expect(run.events[2]?.message).toBe('retrying');
    expect(run.rejects.map((r) => [r.line, r.reason])).toEqual([
      [7, 'time "2024-05-01T25:00:00.000000" is not a real date and time'],
    ]);
  });
});

describe("Apache's ssl_request_log", () => {
  it('reads time, client and request; it writes no status', () => {
    const run = read([
      '[10/Oct/2000:13:55:36 -0700] 192.0.2.1 TLSv1.2 ECDHE-RSA-AES128-GCM-SHA256 "GET /apache_pb.gif?x=1 HTTP/1.1" 2326',
      '[10/Oct/2000:13:55:37 -0700] 192.0.2.2 TLSv1.3 TLS_AES_256_GCM_SHA384 "POST /login HTTP/1.1" -',
      '[10/Oct/2000:25:55:37 -0700] 192.0.2.2 TLSv1.3 TLS_AES_256_GCM_SHA384 "POST /login HTTP/1.1" -',
    ]);
    expect(run.format).toBe('access-log');
    expect(run.events.map((e) => [iso(e.ts), e.clientIp, e.httpMethod, e.urlPath, e.status])).toEqual([
      ['2000-10-10T20:55:36.000Z', '192.0.2.1', 'GET', '/apache_pb.gif', null],
      ['2000-10-10T20:55:37.000Z', '192.0.2.2', 'POST', '/login', null],
    ]);
    expect(run.rejects.map((r) => [r.line, r.reason])).toEqual([
      [3, 'time "10/Oct/2000:25:55:37 -0700" is not a real date and time'],
    ]);
  });
});

describe('syslog repeat folds', () => {
  it('counts an auth failure repeated 5 times as 6 failures, the 5 at the fold’s own line', () => {
    const run = read(
      [
        'Nov  6 09:15:00 web01 sshd[99]: Failed password for root from 203.0.113.12 port 22 ssh2',
        'Nov  6 09:15:05 web01 sshd[99]: message repeated 5 times: [ Failed password for root from 203.0.113.12 port 22 ssh2]',
        'Nov  6 09:15:06 web01 sshd[99]: Accepted password for bob from 203.0.113.13 port 22 ssh2',
      ],
      'auth.log',
    );
    expect(run.format).toBe('syslog');
    const failures = run.events.filter((e) => e.authRule === 'sshd-failed-password');
    expect(failures).toHaveLength(6);
    expect(failures.map((e) => e.sourceLine)).toEqual([1, 2, 2, 2, 2, 2]);
    expect(failures[1]).toMatchObject({
      user: 'root',
      clientIp: '203.0.113.12',
      host: 'web01',
      service: 'sshd',
      message: 'Failed password for root from 203.0.113.12 port 22 ssh2',
      raw: 'Nov  6 09:15:05 web01 sshd[99]: message repeated 5 times: [ Failed password for root from 203.0.113.12 port 22 ssh2]',
    });
    expect(run.events).toHaveLength(7);
  });

  it("repeats the host's previous message for sysklogd's and syslog-ng's folds, which do not say it", () => {
    const run = read(
      [
        'Nov  6 09:15:00 web01 sshd[99]: Failed password for bob from 203.0.113.13 port 22 ssh2',
        'Nov  6 09:15:01 web02 sshd[7]: Server listening on 0.0.0.0 port 22.',
        'Nov  6 09:15:07 web01 last message repeated 2 times',
        "Nov  6 09:15:08 web01 Last message 'Failed password for' repeated 1 times, suppressed by syslog-ng on web01",
        // Not this host's previous message: kept as the one line it is.
        "Nov  6 09:15:09 web02 Last message 'Failed password' repeated 3 times, suppressed by syslog-ng on web02",
        'Nov  6 09:15:10 web03 last message repeated 4 times',
      ],
      'auth.log',
    );
    expect(run.rejects).toEqual([]);
    expect(run.events.map((e) => [e.sourceLine, e.host, e.authRule, iso(e.ts).slice(11, 19)])).toEqual([
      [1, 'web01', 'sshd-failed-password', '09:15:00'],
      [2, 'web02', null, '09:15:01'],
      [3, 'web01', 'sshd-failed-password', '09:15:07'],
      [3, 'web01', 'sshd-failed-password', '09:15:07'],
      [4, 'web01', 'sshd-failed-password', '09:15:08'],
      [5, 'web02', null, '09:15:09'],
      [6, 'web03', null, '09:15:10'],
    ]);
    expect(run.events[5]?.message).toMatch(/^Last message 'Failed password' repeated 3 times/);
  });

  it('keeps bracketed text longer than rsyslog writes (800 bytes) as one event, never multiplied', () => {
    const long = `Failed password for root from 203.0.113.12 port 22 ssh2 ${'x'.repeat(3000)}`;
    const run = runWith('syslog', [
      `Nov  6 09:15:05 web01 sshd[99]: message repeated 100000 times: [ ${long}]`,
      `Nov  6 09:15:06 web01 sshd[99]: message repeated 2 times: [ ${'y'.repeat(RSYSLOG_MAX_MESSAGE - 1)}]`,
    ]);
    expect(run.rejects).toEqual([]);
    expect(run.events.map((e) => e.sourceLine)).toEqual([1, 2, 2]);
    expect(run.events[0]?.message).toMatch(/^message repeated 100000 times: \[ Failed password/);
  });

  it('rejects folds beyond the copies a file may make, with the line and the count', () => {
    const fold = (n: number) =>
      `Nov  6 09:15:05 web01 sshd[99]: message repeated ${MAX_REPEATS} times: [ Failed password for root from 203.0.113.${n} port 22 ssh2]`;
    const lines = [fold(1), fold(2), ...Array.from({ length: 10 }, (_, i) => fold(i + 3))];
    const run = runWith('syslog', lines);
    // The first fold fits the allowance of one big burst; the second would need about 100,000
    // more lines of file before it.
    expect(run.events).toHaveLength(MAX_REPEATS);
    expect(run.rejects).toHaveLength(lines.length - 1);
    expect(run.rejects[0]).toMatchObject({ line: 2 });
    expect(run.rejects[0]?.reason).toBe(
      `repeat count ${MAX_REPEATS} would make ${2 * MAX_REPEATS} copies of folded messages by this line, ` +
        `above the ${MAX_REPEATS + 2 * COPIES_PER_LINE} allowed: not expanded`,
    );
  });

  it("repeats the previous message for BSD and macOS syslogd's `--- last message repeated N times ---`", () => {
    const run = read(
      [
        'Nov  6 09:15:00 mac01 sshd[99]: Failed password for bob from 203.0.113.13 port 22 ssh2',
        'Nov  6 09:15:07 mac01 --- last message repeated 2 times ---',
      ],
      'auth.log',
    );
    expect(run.rejects).toEqual([]);
    expect(run.events.map((e) => [e.sourceLine, e.authRule])).toEqual([
      [1, 'sshd-failed-password'],
      [2, 'sshd-failed-password'],
      [2, 'sshd-failed-password'],
    ]);
  });

  it('rejects a fold too large to be real, with its line', () => {
    const run = runFormat(formatNamed('syslog'), [
      `Nov  6 09:15:05 web01 sshd[99]: message repeated ${MAX_REPEATS + 1} times: [ Failed password for root from 203.0.113.12 port 22 ssh2]`,
    ]);
    expect(run.events).toEqual([]);
    expect(run.rejects.map((r) => [r.line, r.reason])).toEqual([
      [1, `repeat count ${MAX_REPEATS + 1} is above ${MAX_REPEATS}: not expanded`],
    ]);
  });
});
