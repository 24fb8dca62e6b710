// What can be read from a line of free text that no structured format claims: a container's
// or a Go program's output. Only the level a line states in its first words, and whether the
// line continues the record above it (a stack trace printed line by line), are read; the rest
// stays the message.

// `ERROR …`, `[warn] …`, `E0501 …` is not read (klog's letters clash with ordinary words).
const LEADING_LEVEL =
  /^\[?(trace|debug|info|notice|warn|warning|error|err|fatal|panic|crit|critical|alert|emerg)\]?(?::|\s|$)/i;
// A level word after a leading time, as most line formats write it: `10:00:00.123 ERROR …`,
// `2024-05-01 10:00:00,123 [main] WARN …`, Python's `… - name - ERROR - …` (the first eight words are looked at).
const LEVEL_WORD = /^(?:TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|FATAL|PANIC|CRITICAL|SEVERE)$/;
const LOGFMT_LEVEL = /(?:^|\s)(?:level|lvl|severity)="?([A-Za-z]+)"?(?:\s|$)/;

// Lower case, as the other formats write levels; only abbreviations that no logger's level set uses as a name are spelt out.
const LEVEL_NAMES: Record<string, string> = { err: 'error', crit: 'critical', emerg: 'emergency' };

function named(word: string): string {
  const lower = word.toLowerCase();
  return LEVEL_NAMES[lower] ?? lower;
}

/** The level a free-text line states near its start (`ERROR: …`, `[warn]`, `level=error`), or null. */
export function statedLevel(text: string): string | null {
  const head = text.slice(0, 200);
  const leading = LEADING_LEVEL.exec(head);
  if (leading?.[1]) return named(leading[1]);
  for (const word of head.split(/\s+/, 8)) {
    const bare = word.replace(/^\[|\]:?$|:$/g, '');
    if (LEVEL_WORD.test(bare)) return named(bare);
  }
  const logfmt = LOGFMT_LEVEL.exec(head);
  return logfmt?.[1] ? named(logfmt[1]) : null;
}

/**
 * Lines that can only continue a record above when a program prints an exception line by
 * line: Java and JavaScript frames (`\tat …`, `... 12 more`, `Caused by: …`), Python's
 * traceback, and a Go panic's goroutine dump (`goroutine 1 [running]:`, `main.main()`,
 * `\t/app/main.go:12`).
 */
export const FRAME_LINE =
  /^(?:\s+at \S|\s*\.\.\. \d+ (?:more|common frames omitted)|Caused by: |Suppressed: |\s+File "|Traceback \(most recent call last\):|goroutine \d+ \[[^\]]*\]:$|\t\S|created by \S|(?:[\w.-]+\/)*[\w-]+(?:\.\(\*?\w+\))?\.[\w.]+(?:\[[^\]]*\])?\(.*\)$)/;

/**
 * An exception's header (`java.lang.IllegalStateException: boom`, `TypeError: x`): the first
 * line of a trace under a log line, or a line of its own; the type and message are captured.
 */
export const EXCEPTION_HEADER = /^((?:[A-Za-z_$][\w$]*\.)*[A-Za-z_$][\w$]*(?:Exception|Error))(?::\s(.*)|$)/s;

/** Either kind of line that may continue the record above. */
export const CONTINUATION = new RegExp(`${FRAME_LINE.source}|${EXCEPTION_HEADER.source}`, 's');
