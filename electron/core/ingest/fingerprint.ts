// Exception fingerprints (ARCHITECTURE.md, "New exceptions"): the exception type, the message
// with its variable parts masked, and the top in-app frames without line numbers. One bug
// thrown with a thousand different order ids is one group; a frame moving down a few lines in
// the next build is the same frame.
import { createHash } from 'node:crypto';

// Order matters: the more specific shapes are masked before the numbers inside them.
const MASKS: readonly [RegExp, string][] = [
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
  [/\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/g, '<email>'],
  [/\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b/g, '<ip>'],
  [/\b(?:[0-9a-f]{1,4}:){2,7}[0-9a-f]{1,4}\b/gi, '<ip>'],
  [/\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?/g, '<time>'],
  [/\b0x[0-9a-f]+\b/gi, '<hex>'],
  // Long hex runs (hashes, object ids, trace ids) even without 0x, if they hold a digit.
  [/\b(?=[0-9a-f]*\d)[0-9a-f]{12,}\b/gi, '<hex>'],
  // Quoted values: what sits between the quotes varies, the quoting does not.
  [/"(?:[^"\\]|\\.)*"/g, '"<str>"'],
  [/'(?:[^'\\]|\\.)*'/g, "'<str>'"],
  // Numbers, and whole words that hold a digit (ids such as k-2026-11-3fa9b, user123, 30s):
  // masking only the digits of "3fa9b" would leave "<n>fa<n>b", a new group for every id.
  [/[A-Za-z0-9_]*\d[A-Za-z0-9_]*(?:[.,]\d+)*/g, '<n>'],
];

const MAX_TEMPLATE = 500;

/** The message with its variable parts masked: the template a group of exceptions shares. */
export function normaliseMessage(message: string): string {
  // Only the start is read: the template is cut to MAX_TEMPLATE anyway, and the masks must
  // not spend their time on a megabyte of hostile text.
  let out = message
    .slice(0, MAX_TEMPLATE * 4)
    .trim()
    .replace(/\s+/g, ' ');
  for (const [pattern, mask] of MASKS) out = out.replace(pattern, mask);
  return out.length > MAX_TEMPLATE ? out.slice(0, MAX_TEMPLATE) : out;
}

// One frame's identity without its line and column, per runtime.
const FRAME_SHAPES: readonly { pattern: RegExp; identity: (m: RegExpMatchArray) => string }[] = [
  // Java, Kotlin, Scala:  at com.shop.Checkout.pay(Checkout.java:42)
  { pattern: /^\s*at\s+([\w$.<>/]+)\((?:[^)]*)\)\s*$/, identity: (m) => m[1] ?? '' },
  // .NET:  at Shop.Checkout.Pay(Order o) in C:\src\Checkout.cs:line 42
  { pattern: /^\s*at\s+([\w$.<>`[\],]+\([^)]*\))(?:\s+in\s+.+)?$/, identity: (m) => m[1] ?? '' },
  // Node.js:  at pay (/app/src/checkout.js:10:5)   at /app/src/checkout.js:10:5
  {
    pattern: /^\s*at\s+(?:(.+?)\s+\()?((?:file:\/\/)?[^():]+?)(?::\d+){1,2}\)?\s*$/,
    identity: (m) => (m[1] ? `${m[1]} (${m[2] ?? ''})` : (m[2] ?? '')),
  },
  // Python:  File "/app/shop/checkout.py", line 42, in pay
  { pattern: /^\s*File "([^"]+)", line \d+, in (.+)$/, identity: (m) => `${m[1] ?? ''} in ${m[2] ?? ''}` },
  // PHP (Laravel, Symfony):  #3 /var/www/app/Checkout.php(42): App\Checkout->pay('sku-1', Array)
  // The arguments are values of this call, not the place: they are dropped.
  {
    pattern: /^#\d+\s+(.+?)(?:\(\d+\))?:\s+(.+)$/,
    identity: (m) => `${(m[2] ?? '').replace(/\(.*\)$/, '()')} ${m[1] ?? ''}`,
  },
];

// Frames of runtimes, frameworks and libraries: the same for every bug, so they say nothing
// about which bug it is A PHP front controller
// (`public/index.php`) is on every request's stack, so it is no more telling than they are.
const LIBRARY_FRAME =
  /^(?:java\.|javax\.|jdk\.|sun\.|com\.sun\.|kotlin\.|kotlinx\.|scala\.|org\.springframework\.|org\.apache\.|org\.hibernate\.|org\.eclipse\.|io\.netty\.|reactor\.|com\.fasterxml\.|System\.|Microsoft\.)|node:internal|node_modules\/|\/site-packages\/|\/dist-packages\/|\/lib\/python\d|\/vendor\/|<frozen |\{main\}|\[internal function\]$|\/public\/index\.php$/;

/** Generated names (lambdas, proxies) carry numbers that change between runs. */
function stableFrame(identity: string): string {
  return (
    identity
      .replace(/\$\$Lambda\$?[\w/$]*|\$Proxy\d+|\$\d+/g, '$…')
      .replace(/0x[0-9a-f]+/gi, '<hex>')
      // PHP 8.4 names a closure by where it is defined: {closure:App\Foo::bar():139}.
      .replace(/:\d+\}/g, '}')
  );
}

const MAX_FRAME_LINE = 2000;

/** Every frame of a stack trace, as runtime-neutral identities without line numbers. */
export function stackFrames(stack: string): string[] {
  const frames: string[] = [];
  for (const line of stack.split('\n')) {
    // No real frame is this long; the patterns would only spend time on it.
    if (line.length > MAX_FRAME_LINE) continue;
    for (const { pattern, identity } of FRAME_SHAPES) {
      const m = line.match(pattern);
      if (m) {
        frames.push(stableFrame(identity(m).trim()));
        break;
      }
    }
  }
  return frames;
}

export const TOP_FRAMES = 3;

/**
 * The frames that name the bug: the first in-app frames (outside runtimes and libraries), or
 * the first frames of all when none is in-app. Python lists the innermost frame last, so its
 * frames are read from the end.
 */
export function topFrames(stack: string | null, count = TOP_FRAMES): string[] {
  if (!stack) return [];
  let frames = stackFrames(stack);
  if (/^Traceback \(most recent call last\):/m.test(stack)) frames = frames.reverse();
  const inApp = frames.filter((f) => !LIBRARY_FRAME.test(f));
  return (inApp.length > 0 ? inApp : frames).slice(0, count);
}

// The line that ends a Python traceback: the exception's (dotted) class and its message.
// Classes are CapWords (`KeyError`, `django.core.exceptions.PermissionDenied`) or end as one
// (`libvirtError`): a log line's `WARNING: …` or a bare `raise` is no statement.
const EXCEPTION_STATEMENT = /^((?:[A-Za-z_]\w*\.)*([A-Za-z_]\w*))(?::\s?(.*))?$/s;
const PYTHON_CLASS = /^_*[A-Z][a-z0-9]|(?:Error|Exception|Warning|Exit|Interrupt)$/;

/** The exception a Python traceback's statement line names (`KeyError: 'sku'`), or null. */
export function pythonExceptionStatement(line: string): { type: string; message: string | null } | null {
  const m = EXCEPTION_STATEMENT.exec(line);
  if (!m?.[1] || !PYTHON_CLASS.test(m[2] ?? '')) return null;
  return { type: m[1], message: m[3]?.trim() || null };
}

/**
 * The exception a stack trace states on its header line ("java.lang.IllegalStateException:
 * msg"), or on a Python traceback's statement line ("KeyError: 'sku'"), for records that
 * carry a trace but no type.
 */
export function exceptionOfStack(stack: string): { type: string; message: string | null } | null {
  const raw = stack.split('\n');
  if (/^\s*Traceback \(most recent call last\):/.test(raw[0] ?? '')) {
    // The statement is the first unindented line after the last frame (its source line and
    // 3.11's markers are indented); the message may run on below it.
    let at = raw.length - 1;
    while (at > 0 && !/^\s+File "/.test(raw[at] ?? '')) at -= 1;
    for (at += 1; at < raw.length; at += 1) {
      const line = raw[at] ?? '';
      if (line.trim() === '' || /^\s/.test(line)) continue;
      return pythonExceptionStatement(line.trim());
    }
    return null;
  }
  for (const line of raw.map((l) => l.trim())) {
    if (line === '' || /^(?:at |File |#\d|\.\.\. \d+ more|Caused by:|Traceback )/.test(line)) continue;
    const m = line.match(
      /^([A-Za-z_$][\w$]*(?:[.\\][A-Za-z_$][\w$]*)*(?:Exception|Error|Throwable|Fault|Panic|Exit|Interrupt|Warning)?)(?::\s*(.*))?$/,
    );
    // A lone word is no exception unless it is named as one.
    if (m?.[1] && (m[2] !== undefined || /(?:Exception|Error)$/.test(m[1]))) {
      return { type: m[1], message: m[2]?.trim() || null };
    }
    return null;
  }
  return null;
}

// The exceptions a trace says caused the one thrown: Java's `Caused by:`, PHP's
// `[previous exception]`, Python's chained tracebacks (the exception stated just before "The
// above exception was the direct cause…" or "During handling of the above exception…"). A
// wrapper (ServletException, a framework's HandlerException) thrown for different causes is a
// different bug for each cause.
const CAUSE_LINES = [/^\s*Caused by: ([\w$.]+)/, /^\[previous exception\] \[object\] \(([^\s(]+)\(/];
const PYTHON_CHAIN =
  /^(?:The above exception was the direct cause of the following exception:|During handling of the above exception, another exception occurred:)\s*$/;
const PYTHON_STATEMENT = /^([A-Za-z_][\w.]*)(?::|$)/;

/** The types of the causes a stack trace lists, outermost first. */
export function causeTypes(stack: string | null): string[] {
  if (!stack) return [];
  const types: string[] = [];
  // Python prints the first cause first: its chain is read back to front.
  const pythonChain: string[] = [];
  const lines = stack.split('\n');
  lines.forEach((line, i) => {
    for (const pattern of CAUSE_LINES) {
      const m = pattern.exec(line);
      if (m?.[1]) types.push(m[1]);
    }
    if (PYTHON_CHAIN.test(line.trim())) {
      let j = i - 1;
      while (j >= 0 && (lines[j] ?? '').trim() === '') j -= 1;
      const stated = PYTHON_STATEMENT.exec((lines[j] ?? '').trim())?.[1];
      if (stated) pythonChain.push(stated);
    }
  });
  return [...types, ...pythonChain.reverse()];
}

/** The group an exception belongs to, or null for a record without one. 16 hex digits. */
export function fingerprintOf(
  errorType: string | null,
  errorMessage: string | null,
  errorStack: string | null,
): string | null {
  if (errorType === null && errorStack === null) return null;
  const causes = causeTypes(errorStack).map((type) => `caused by ${type}`);
  const parts = [errorType ?? '', normaliseMessage(errorMessage ?? ''), ...causes, ...topFrames(errorStack)];
  return createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 16);
}
