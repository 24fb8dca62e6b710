// Exception fingerprints: one bug is one group whatever ids its messages carry and wherever
// its frames moved by a few lines; two bugs are two groups.
import { describe, expect, it } from 'vitest';
import {
  causeTypes,
  exceptionOfStack,
  fingerprintOf,
  normaliseMessage,
  topFrames,
} from '../../electron/core/ingest/fingerprint.js';

const javaStack = (line: number, order: string): string =>
  [
    `java.lang.IllegalStateException: order ${order} has no payment`,
    `\tat com.shop.checkout.PaymentService.capture(PaymentService.java:${line})`,
    `\tat com.shop.checkout.CheckoutController.pay(CheckoutController.java:${line + 7})`,
    '\tat org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:897)',
    '\tat java.base/java.lang.Thread.run(Thread.java:833)',
  ].join('\n');

describe('normaliseMessage', () => {
  it.each([
    ['order 4711 has no payment', 'order <n> has no payment'],
    ['user 3f2b8c1e-9d4a-4b7e-8f00-1234567890ab not found', 'user <uuid> not found'],
    ["no such key 'sku-991'", "no such key '<str>'"],
    ['connect to 10.1.2.3:5432 refused', 'connect to <ip> refused'],
    ['token for alice@example.com expired', 'token for <email> expired'],
    ['object 0x7ffe12ab at a1b2c3d4e5f60718', 'object <hex> at <hex>'],
    ['timeout   after\t30s', 'timeout after <n>'],
    ['signature key k-2026-11-3fa9b not found', 'signature key k-<n>-<n>-<n> not found'],
    ['signature key k-2026-11-39571 not found', 'signature key k-<n>-<n>-<n> not found'],
  ])('%j -> %j', (message, template) => {
    expect(normaliseMessage(message)).toBe(template);
  });
});

describe('topFrames', () => {
  it('keeps in-app Java frames without line numbers, skipping framework frames', () => {
    expect(topFrames(javaStack(42, '1'))).toEqual([
      'com.shop.checkout.PaymentService.capture',
      'com.shop.checkout.CheckoutController.pay',
    ]);
  });

  it('reads Python tracebacks from the innermost frame, skipping site-packages', () => {
    const stack = [
      'Traceback (most recent call last):',
      '  File "/usr/lib/python3/site-packages/flask/app.py", line 1820, in full_dispatch_request',
      '  File "/app/shop/views.py", line 88, in checkout',
      '    total = cart.total()',
      '  File "/app/shop/cart.py", line 12, in total',
      "KeyError: 'sku'",
    ].join('\n');
    expect(topFrames(stack)).toEqual(['/app/shop/cart.py in total', '/app/shop/views.py in checkout']);
    expect(exceptionOfStack(stack)).toEqual({ type: 'KeyError', message: "'sku'" });
  });

  it("finds a Python traceback's statement above a message that runs on, never in a source line or a log line", () => {
    const frames = ['Traceback (most recent call last):', '  File "/app/m.py", line 3, in f', '    raise'];
    expect(
      exceptionOfStack(
        [...frames, 'pydantic.ValidationError: 1 validation error', 'sku', '  field required'].join('\n'),
      ),
    ).toEqual({
      type: 'pydantic.ValidationError',
      message: '1 validation error',
    });
    expect(exceptionOfStack([...frames, 'django.core.exceptions.PermissionDenied'].join('\n'))).toEqual({
      type: 'django.core.exceptions.PermissionDenied',
      message: null,
    });
    // Cut before its statement, or followed by a log line: no type made up.
    expect(exceptionOfStack(frames.join('\n'))).toBeNull();
    expect(exceptionOfStack([...frames, 'WARNING: pool is full'].join('\n'))).toBeNull();
  });

  it('reads Node.js and PHP frames', () => {
    expect(
      topFrames('TypeError: x is undefined\n    at pay (/app/src/pay.js:10:5)\n    at /app/src/index.js:3:1'),
    ).toEqual(['pay (/app/src/pay.js)', '/app/src/index.js']);
    expect(topFrames('#0 /var/www/app/Http/Checkout.php(42): App\\Http\\Checkout->pay()\n#1 {main}')).toEqual([
      'App\\Http\\Checkout->pay() /var/www/app/Http/Checkout.php',
    ]);
  });
});

describe('fingerprintOf', () => {
  const type = 'java.lang.IllegalStateException';
  it('groups one bug thrown with many ids and moved frames', () => {
    const a = fingerprintOf(type, 'order 1001 has no payment', javaStack(42, '1001'));
    const b = fingerprintOf(type, 'order 99231 has no payment', javaStack(57, '99231'));
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(b).toBe(a);
  });

  it('tells apart another type, another message, or another place', () => {
    const base = fingerprintOf(type, 'order 1 has no payment', javaStack(42, '1'));
    expect(fingerprintOf('java.lang.NullPointerException', 'order 1 has no payment', javaStack(42, '1'))).not.toBe(
      base,
    );
    expect(fingerprintOf(type, 'order 1 was cancelled', javaStack(42, '1'))).not.toBe(base);
    expect(fingerprintOf(type, 'order 1 has no payment', javaStack(42, '1').replace('capture', 'refund'))).not.toBe(
      base,
    );
  });

  it('is null for a record without an exception', () => {
    expect(fingerprintOf(null, 'all good', null)).toBeNull();
  });

  it('reads the type from a Java stack header when the record gives none', () => {
    expect(exceptionOfStack(javaStack(1, '5'))).toEqual({
      type: 'java.lang.IllegalStateException',
      message: 'order 5 has no payment',
    });
  });
});

describe('fingerprints on real trace shapes', () => {
  it('reads PHP frames without their arguments or closure lines, skipping internal functions and the front controller', () => {
    const stack = (arg: string, closureLine: number): string =>
      [
        `#0 /var/www/vendor/laravel/framework/src/Illuminate/Log/LogManager.php(140): Illuminate\\Log\\LogManager->tap('${arg}', Object(Illuminate\\Log\\Logger))`,
        `#1 [internal function]: Illuminate\\Log\\LogManager->{closure:Illuminate\\Log\\LogManager::createStackDriver():${closureLine}}('${arg}', 0)`,
        "#2 /var/www/app/Http/Middleware/TraceIdMiddleware.php(17): Illuminate\\Support\\Facades\\Facade::__callStatic('withContext', Array)",
        '#3 /var/www/public/index.php(18): Illuminate\\Foundation\\Http\\Kernel->handle(Object(Illuminate\\Http\\Request))',
        '#4 {main}',
      ].join('\n');
    expect(topFrames(stack('daily', 284))).toEqual([
      'Illuminate\\Support\\Facades\\Facade::__callStatic() /var/www/app/Http/Middleware/TraceIdMiddleware.php',
    ]);
    expect(fingerprintOf('Error', 'Call to undefined method', stack('daily', 284))).toBe(
      fingerprintOf('Error', 'Call to undefined method', stack('stack', 290)),
    );
  });

  it('tells one wrapper apart by the causes it wraps (Java Caused by, PHP previous exception)', () => {
    const wrapped = (cause: string): string =>
      [
        'javax.servlet.ServletException: Request processing failed',
        '\tat com.shop.Web.handle(Web.java:10)',
        `Caused by: ${cause}: boom`,
        '\tat com.shop.Web.handle(Web.java:12)',
        '\t... 3 more',
      ].join('\n');
    const npe = fingerprintOf(
      'javax.servlet.ServletException',
      'Request processing failed',
      wrapped('java.lang.NullPointerException'),
    );
    const sql = fingerprintOf(
      'javax.servlet.ServletException',
      'Request processing failed',
      wrapped('java.sql.SQLException'),
    );
    expect(npe).not.toBe(sql);
    expect(causeTypes(wrapped('java.sql.SQLException'))).toEqual(['java.sql.SQLException']);
    expect(
      causeTypes(
        '[object] (A(code: 0): x at /a.php:1)\n[stacktrace]\n#0 {main}\n\n[previous exception] [object] (ReflectionException(code: -1): y at /b.php:2)',
      ),
    ).toEqual(['ReflectionException']);
  });

  // A hang (a backtracking pattern) fails by vitest's timeout; no clock in the test.
  it('reads a huge hostile message and stack without a pattern that backtracks over them', () => {
    const huge = 'a.'.repeat(200_000);
    expect(normaliseMessage(`${huge}@`).length).toBeLessThanOrEqual(500);
    expect(fingerprintOf('E', huge, `${'    at '.repeat(50_000)}\n${huge}`)).toMatch(/^[0-9a-f]{16}$/);
  });
});
