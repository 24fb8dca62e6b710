// Application logs with multi-line records: Java, Python and Laravel headers, traces joined
// to their record with the first line's number, the exception fields, orphan lines, the
// record cap, and hostile lines.
import { describe, expect, it } from 'vitest';
import { javaLogFormat, laravelLogFormat, pythonLogFormat } from '../../electron/core/ingest/formats/appLog.js';
import { MAX_RECORD_LINES } from '../../electron/core/ingest/formats/multiline.js';
import { runFormat } from '../helpers/runFormat.js';

const iso = (ms: number): string => new Date(ms).toISOString();

describe('Java logs', () => {
  const trace = [
    '2024-01-01 10:00:00,123 ERROR [http-nio-8080-exec-1] com.shop.CheckoutController - payment failed for order 42',
    'org.springframework.web.util.NestedServletException: Request processing failed',
    '\tat org.springframework.web.servlet.FrameworkServlet.processRequest(FrameworkServlet.java:1014)',
    '\tat com.shop.CheckoutController.pay(CheckoutController.java:88)',
    'Caused by: java.lang.IllegalStateException: order 42 has no payment',
    '\tat com.shop.PaymentService.capture(PaymentService.java:42)',
    '\t... 12 more',
    '',
    '2024-01-01 10:00:01,000 INFO  [main] com.shop.App - still serving',
  ];

  it('joins a trace to its record, numbered by its first line, and names it by the outermost exception', () => {
    const { events, rejects } = runFormat(javaLogFormat, trace);
    expect(rejects).toEqual([]);
    expect(events).toHaveLength(2);
    const [error, info] = events;
    expect(error).toMatchObject({
      sourceLine: 1,
      level: 'error',
      message: 'payment failed for order 42',
      errorType: 'org.springframework.web.util.NestedServletException',
      errorMessage: 'Request processing failed',
      raw: trace.slice(0, 7).join('\n'),
    });
    expect(error?.errorStack?.split('\n')[0]).toBe(
      'org.springframework.web.util.NestedServletException: Request processing failed',
    );
    expect(error?.errorStack).toContain('Caused by: java.lang.IllegalStateException');
    expect(error?.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(iso(error?.ts ?? 0)).toBe('2024-01-01T10:00:00.123Z');
    expect(info).toMatchObject({ sourceLine: 9, level: 'info', errorType: null, fingerprint: null });
  });

  it('tells the same wrapper with another cause apart', () => {
    const other = trace.map((l) => l.replace('java.lang.IllegalStateException', 'java.sql.SQLTimeoutException'));
    const a = runFormat(javaLogFormat, trace).events[0]?.fingerprint;
    const b = runFormat(javaLogFormat, other).events[0]?.fingerprint;
    expect(a).not.toBe(b);
  });

  it('reads the ISO8601, [LEVEL], thread-first, ZooKeeper, Spring Boot, Spark and HDFS shapes', () => {
    const { events, rejects } = runFormat(javaLogFormat, [
      '2024-06-01T10:00:00.123+02:00 [WARN] [main] com.x.Y - iso with offset',
      '2024-06-01 10:00:00.123 [pool-1-thread-3] ERROR c.x.Worker - thread first',
      '2015-07-29 17:41:44,747 - INFO  [QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181:FastLeaderElection@774] - Notification time out: 3200',
      '2024-06-01T10:00:00.123Z ERROR 4242 --- [checkout] [nio-8080-exec-1] c.s.CheckoutController   : Boot says',
      '17/06/09 20:10:40 INFO executor.CoarseGrainedExecutorBackend: Registered signal handlers',
      '081109 203615 148 WARN dfs.DataNode$PacketResponder: slow',
      '01-Dec-2024 10:00:00.123 SEVERE [main] org.apache.catalina.core.StandardContext.startInternal Tomcat says',
    ]);
    expect(rejects).toEqual([]);
    expect(events.map((e) => [e.level, e.message])).toEqual([
      ['warn', 'iso with offset'],
      ['error', 'thread first'],
      ['info', 'Notification time out: 3200'],
      ['error', 'Boot says'],
      ['info', 'Registered signal handlers'],
      ['warn', 'slow'],
      ['severe', 'Tomcat says'],
    ]);
    expect(iso(events[6]?.ts ?? 0)).toBe('2024-12-01T10:00:00.123Z');
    expect(iso(events[0]?.ts ?? 0)).toBe('2024-06-01T08:00:00.123Z');
    // No offset: the import zone (London, BST in June).
    expect(iso(events[1]?.ts ?? 0)).toBe('2024-06-01T09:00:00.123Z');
    expect(events[3]?.service).toBe('checkout');
    expect(iso(events[4]?.ts ?? 0)).toBe('2017-06-09T19:10:40.000Z');
    expect(iso(events[5]?.ts ?? 0)).toBe('2008-11-09T20:36:15.000Z');
  });

  it('takes an exception named on its own line or inline in the message', () => {
    const { events } = runFormat(javaLogFormat, [
      '2015-07-29 23:44:28,903 - ERROR [CommitProcessor:1:NIOServerCnxn@180] - Unexpected Exception: ',
      'java.nio.channels.CancelledKeyException',
      '2015-08-20 17:14:11,414 - WARN  [NIOServerCxn.Factory:0.0.0.0/0.0.0.0:2181:NIOServerCnxn@354] - Exception causing close of session 0x0 due to java.io.IOException: ZooKeeperServer not running',
      '2015-07-29 19:37:27,222 - INFO  [ProcessThread(sid:2 cport:-1)::PrepRequestProcessor@627] - Got user-level KeeperException when processing sessionid:0x34ed93485090001',
    ]);
    expect(events.map((e) => [e.errorType, e.errorMessage])).toEqual([
      ['java.nio.channels.CancelledKeyException', null],
      ['java.io.IOException', 'ZooKeeperServer not running'],
      [null, null],
    ]);
  });

  it('sends a Spring Security failure to the auth rules through its exception', () => {
    const { events } = runFormat(javaLogFormat, [
      '2024-01-01 10:00:00,123 WARN [exec-2] o.s.s.w.a.UsernamePasswordAuthenticationFilter - Authentication request failed',
      'org.springframework.security.authentication.BadCredentialsException: Bad credentials',
      '\tat org.springframework.security.authentication.dao.AbstractUserDetailsAuthenticationProvider.authenticate(AbstractUserDetailsAuthenticationProvider.java:141)',
    ]);
    expect(events[0]).toMatchObject({
      errorType: 'org.springframework.security.authentication.BadCredentialsException',
      authFailure: true,
      authRule: 'app-spring-bad-credentials',
    });
  });
});

describe('Python logs', () => {
  it('joins a traceback and names it by its last line', () => {
    const { events, rejects } = runFormat(pythonLogFormat, [
      '2024-01-01 10:00:00,123 - shop.checkout - ERROR - checkout failed',
      'Traceback (most recent call last):',
      '  File "/usr/lib/python3/site-packages/flask/app.py", line 1820, in full_dispatch_request',
      '  File "/app/shop/cart.py", line 12, in total',
      '    return sum(self.prices[sku] for sku in self.items)',
      "KeyError: 'sku-991'",
      '2024-01-01 10:00:01,000 INFO shop.web: served /cart',
    ]);
    expect(rejects).toEqual([]);
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({
      sourceLine: 1,
      level: 'error',
      message: 'checkout failed',
      errorType: 'KeyError',
      errorMessage: "'sku-991'",
    });
    expect(events[0]?.errorStack?.split('\n')).toHaveLength(5);
    expect(events[1]).toMatchObject({ sourceLine: 7, level: 'info', message: 'served /cart', errorType: null });
  });
});

describe('Python log layouts', () => {
  it('reads the Flask and Django layouts too', () => {
    const { events, rejects } = runFormat(pythonLogFormat, [
      '[2024-07-01 10:00:00,123] ERROR in app: Exception on /pay [POST]',
      'Traceback (most recent call last):',
      '  File "/srv/app.py", line 9, in pay',
      'ZeroDivisionError: division by zero',
      'WARNING 2024-07-01 10:00:01,000 views 4242 1400 slow view',
    ]);
    expect(rejects).toEqual([]);
    expect(events.map((e) => [e.sourceLine, e.level, e.message, e.errorType])).toEqual([
      [1, 'error', 'Exception on /pay [POST]', 'ZeroDivisionError'],
      [5, 'warning', 'slow view', null],
    ]);
    expect(iso(events[0]?.ts ?? 0)).toBe('2024-07-01T09:00:00.123Z');
  });
});

describe('Laravel logs', () => {
  it('reads the exception in the JSON context and its [stacktrace], and the request fields of a plain line', () => {
    const { events, rejects } = runFormat(laravelLogFormat, [
      '[2023-01-01 10:00:00] production.ERROR: Order not found {"userId":7,"exception":"[object] (App\\\\Exceptions\\\\OrderNotFound(code: 404): Order 12 not found at /var/www/app/Http/Orders.php:31)',
      '[stacktrace]',
      "#0 /var/www/app/Http/Orders.php(31): App\\\\Repo->find('12')",
      '#1 {main}',
      '"} ',
      '[2023-01-01 10:00:01] production.INFO: Page Access {"ip":"192.168.160.1","path":"/cart","method":"get"} []',
    ]);
    expect(rejects).toEqual([]);
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({
      level: 'error',
      sourceLine: 1,
      message: 'Order not found',
      errorType: 'App\\Exceptions\\OrderNotFound',
      errorMessage: 'Order 12 not found',
    });
    expect(events[0]?.raw.split('\n')).toHaveLength(5);
    expect(events[1]).toMatchObject({ level: 'info', clientIp: '192.168.160.1', urlPath: '/cart', httpMethod: 'GET' });
  });

  it('takes type, message and stack from a context that starts with the exception', () => {
    const { events } = runFormat(laravelLogFormat, [
      "[2023-01-01 10:00:00] local.ERROR: Unmatched '}' {\"exception\":\"[object] (ParseError(code: 0): Unmatched '}' at /var/www/app/boot.php:65)",
      '[stacktrace]',
      '#0 /var/www/vendor/x/Boot.php(14): Dcat\\\\Admin\\\\Boot->include()',
      '#1 {main}',
      '"} ',
    ]);
    expect(events[0]).toMatchObject({
      message: "Unmatched '}'",
      errorType: 'ParseError',
      errorMessage: "Unmatched '}'",
    });
    expect(events[0]?.errorStack).toContain('#0 /var/www/vendor/x/Boot.php(14): Dcat\\Admin\\Boot->include()');
  });
});

describe('records across lines, hostile input', () => {
  it('rejects trace lines before the first record as one block, and keeps the records after it', () => {
    const { events, rejects } = runFormat(javaLogFormat, [
      '\tat com.shop.Orphan.run(Orphan.java:1)',
      '\t... 3 more',
      '',
      '2024-01-01 10:00:00,123 ERROR [main] com.x.Y - first real record',
    ]);
    expect(events.map((e) => e.sourceLine)).toEqual([4]);
    expect(rejects).toHaveLength(1);
    expect(rejects[0]?.line).toBe(1);
    expect(rejects[0]?.reason).toMatch(/^lines 1–2 come before any Java log record: continuation lines with no record/);
    expect(rejects[0]?.raw).toBe('\tat com.shop.Orphan.run(Orphan.java:1)\n\t... 3 more');
  });

  it('rejects a header with an impossible date together with its trace, and keeps its neighbours', () => {
    const { events, rejects } = runFormat(javaLogFormat, [
      '2024-02-28 10:00:00,000 ERROR [main] com.x.Y - ok',
      '2024-02-30 10:00:00,000 ERROR [main] com.x.Y - no such day',
      'java.lang.IllegalStateException: x',
      '\tat com.x.Y.run(Y.java:1)',
      '2024-02-28 10:00:01,000 INFO [main] com.x.Y - ok again',
    ]);
    expect(events.map((e) => e.sourceLine)).toEqual([1, 5]);
    expect(rejects).toHaveLength(1);
    expect(rejects[0]).toMatchObject({ line: 2, reason: expect.stringMatching(/not a real date/) as string });
    expect(rejects[0]?.raw.split('\n')).toHaveLength(3);
  });

  it('joins a line that only looks half like a record to the record above it', () => {
    const { events, rejects } = runFormat(javaLogFormat, [
      '2024-01-01 10:00:00,000 ERROR [main] com.x.Y - first',
      '2024-01-01 10:00:00,000 ERROR',
      '10:00:00 ERROR [main] com.x.Y - no date',
      '2024-01-01 10:00:01,000 INFO [main] com.x.Y - second',
    ]);
    expect(rejects).toEqual([]);
    expect(events.map((e) => e.raw.split('\n').length)).toEqual([3, 1]);
  });

  it('caps a very long trace: the event keeps its first lines, the rest is one reject that says so', () => {
    const frames = Array.from({ length: MAX_RECORD_LINES + 500 }, (_, i) => `\tat com.x.Deep.f${i}(Deep.java:${i})`);
    const { events, rejects } = runFormat(javaLogFormat, [
      '2024-01-01 10:00:00,000 ERROR [main] com.x.Y - deep',
      'java.lang.StackOverflowError',
      ...frames,
      '2024-01-01 10:00:01,000 INFO [main] com.x.Y - after',
    ]);
    expect(events).toHaveLength(2);
    expect(events[0]?.raw.split('\n')).toHaveLength(MAX_RECORD_LINES);
    expect(events[0]?.errorType).toBe('java.lang.StackOverflowError');
    expect(rejects).toHaveLength(1);
    expect(rejects[0]?.line).toBe(MAX_RECORD_LINES + 1);
    expect(rejects[0]?.reason).toBe(
      `record starting at line 1 is longer than ${MAX_RECORD_LINES} lines or 512 KiB: lines ${MAX_RECORD_LINES + 1}–${MAX_RECORD_LINES + 502} (502 lines) were cut from it; its event keeps the first ${MAX_RECORD_LINES} lines`,
    );
    expect(events[1]?.sourceLine).toBe(MAX_RECORD_LINES + 503);
  });

  it('caps a record by size too, and refuses a header line longer than the cap', () => {
    const big = 'x'.repeat(200 * 1024);
    const { events, rejects } = runFormat(javaLogFormat, [
      '2024-01-01 10:00:00,000 ERROR [main] com.x.Y - wide',
      big,
      big,
      big,
      `2024-01-01 10:00:01,000 INFO [main] com.x.Y - ${'y'.repeat(600 * 1024)}`,
      '2024-01-01 10:00:02,000 INFO [main] com.x.Y - fine',
    ]);
    expect(events.map((e) => e.sourceLine)).toEqual([1, 6]);
    expect(events[0]?.raw.split('\n')).toHaveLength(3);
    expect(rejects.map((r) => r.line)).toEqual([4, 5]);
    expect(rejects[1]?.reason).toMatch(/first line is longer than 512 KiB/);
    expect(rejects.every((r) => r.raw.length <= 64 * 1024 + 10)).toBe(true);
  });

  // A pattern that backtracks over such lines takes minutes (seen: over 60 s); linear code takes
  // milliseconds. No clock here: a hang fails the test by vitest's timeout (not a speed target).
  it('reads long hostile lines without a pattern that backtracks over them', () => {
    const dotted = 'a.'.repeat(150_000);
    const { events } = runFormat(javaLogFormat, [
      `2024-01-01 10:00:00,000 ERROR [main] com.x.Y - ${dotted}`,
      `${dotted}:`,
      `\tat ${dotted}(`,
      `2024-01-01 10:00:01,000 ERROR [main] com.x.Y - ${'x at '.repeat(60_000)}`,
    ]);
    const laravel = runFormat(laravelLogFormat, [
      `[2023-01-01 10:00:00] local.ERROR: m {"exception":"[object] (E(code: 0): ${'y at z:1 '.repeat(40_000)}`,
      `${'@a.'.repeat(100_000)}`,
      `${'"x", '.repeat(60_000)}`,
    ]);
    expect(events).toHaveLength(2);
    expect(laravel.events[0]?.errorType).toBe('E');
  });

  it('reads a header whose message holds a lone CR or U+2028 (text inside a line, not a line end)', () => {
    const { events, rejects } = runFormat(javaLogFormat, [
      '2024-01-01 10:00:00,000 ERROR [main] com.x.Y - before\rafter \u2028 more',
      '2024-01-01 10:00:01,000 INFO [main] com.x.Y - next',
    ]);
    expect(rejects).toEqual([]);
    expect(events.map((e) => e.message)).toEqual(['before\rafter \u2028 more', 'next']);
  });

  it('keeps control characters and odd Unicode as text without crashing', () => {
    const { events, rejects } = runFormat(pythonLogFormat, [
      '2024-01-01 10:00:00,123 - app - ERROR - bell\u0007 nul\u0000 esc\u001b[2J rtl\u202e bom\ufeff',
      '\u0000\u0001\u0002',
      'Traceback (most recent call last):',
      '  File "/app/\u202ex.py", line 1, in <module>',
      'ValueError: \u0000bad \r lone CR \u2028 line separator',
    ]);
    expect(rejects).toEqual([]);
    expect(events[0]?.message).toContain('nul\u0000');
    expect(events[0]?.errorType).toBe('ValueError');
    expect(events[0]?.errorMessage).toBe('\u0000bad \r lone CR \u2028 line separator');
    expect(events[0]?.raw.split('\n')).toHaveLength(5);
  });
});

describe('application-log probes', () => {
  it('each claims its own family, and none claims syslog, JSON or access logs', () => {
    const java = [
      '2024-01-01 10:00:00,123 ERROR [main] com.x.Y - boom',
      'java.lang.IllegalStateException: x',
      '\tat a.B.c(B.java:1)',
    ];
    const python = [
      '2024-01-01 10:00:00,123 - app - ERROR - boom',
      'Traceback (most recent call last):',
      '  File "a.py", line 1, in f',
    ];
    const laravel = [
      '[2023-01-01 10:00:00] local.ERROR: boom {"exception":"[object] (E(code: 0): x at /a.php:1)',
      '[stacktrace]',
      '#0 {main}',
    ];
    expect(javaLogFormat.probe(java, 'a')).toBeGreaterThan(0.9);
    expect(pythonLogFormat.probe(java, 'a')).toBe(0);
    expect(laravelLogFormat.probe(java, 'a')).toBe(0);
    expect(pythonLogFormat.probe(python, 'a')).toBeGreaterThan(0.9);
    expect(javaLogFormat.probe(python, 'a')).toBe(0);
    expect(laravelLogFormat.probe(laravel, 'a')).toBeGreaterThan(0.9);
    expect(javaLogFormat.probe(laravel, 'a')).toBe(0);
    for (const other of [
      ['Jun 14 15:16:01 combo sshd[1]: x'],
      ['{"@timestamp":"2026-01-01T00:00:00Z","message":"2024-01-01 10:00:00,123 ERROR [main] a.B - x"}'],
      ['1.2.3.4 - - [10/Oct/2026:13:55:36 +0000] "GET / HTTP/1.1" 200 2326'],
    ]) {
      for (const format of [javaLogFormat, pythonLogFormat, laravelLogFormat]) expect(format.probe(other, 'a')).toBe(0);
    }
  });
});
