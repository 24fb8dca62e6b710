// syslog daemons fold a burst of identical messages into one line:
//   rsyslog ($RepeatedMsgReduction)  `sshd[99]: message repeated 5 times: [ Failed password for root …]`
//   sysklogd                         `last message repeated 5 times`
//   BSD, macOS syslogd               `--- last message repeated 5 times ---`
//   syslog-ng (suppress())           `Last message 'Failed password for' repeated 5 times, suppressed by syslog-ng on web01`
// The first of the burst was logged on its own line before; the fold stands for N more. An
// auth failure repeated 5 times is 6 failures, so the fold becomes N events, each a copy of
// the message it repeats, all with the fold's time, line number and raw text. Copies, not one
// event with a count: every count the analysis makes (requests, failures per bucket, users,
// addresses) is a count of rows, and each copy points back to the exact line that stands for
// it. rsyslog writes the message inside the brackets; the other two name only the previous
// message, which is the last event read from the same host (syslog-ng's quoted start of it
// must agree). A fold whose message cannot be found (the first line of a rotated file) stays
// one event that says what it is, as before.
//
// Copies cost rows: a file of short folds could otherwise ask for 10^8 of them. Two limits
// keep a hostile file from filling the case (or the memory of the import): no one fold above
// MAX_REPEATS, and no more copies in a file than COPIES_PER_LINE a line read so far (plus one
// big fold's worth, so that a real burst early in a file is still counted), never above
// MAX_COPIES_PER_SOURCE. A fold beyond them is rejected with its count, never half-expanded.
import type { NewEvent } from '../../case/events.js';

/** A fold larger than this is rejected rather than expanded: no real burst comes near it. */
export const MAX_REPEATS = 100_000;
/** Copies a source may hold per line read so far, beyond the first MAX_REPEATS. */
export const COPIES_PER_LINE = 100;
/** Copies one source may hold in all, whatever its length. */
export const MAX_COPIES_PER_SOURCE = 1_000_000;
/**
 * rsyslog writes the repeated message cut to 800 bytes (`[%.800s]` in runtime/ratelimit.c);
 * bracketed text longer than that was not written by the fold, so the line is an ordinary
 * message that only looks like one (and is never multiplied).
 */
export const RSYSLOG_MAX_MESSAGE = 800;
/** Hosts whose last event is remembered for the folds that do not say their message. */
const MAX_HOSTS = 10_000;

const RSYSLOG = /^message repeated (\d+) times?: \[ ?(.*)\]$/s;
// BSD and macOS syslogd frame it: `--- last message repeated 2 times ---`.
const SYSKLOGD = /^(?:--- )?last message repeated (\d+) times?(?: ---)?$/i;
const SYSLOG_NG = /^Last message '(.*)' repeated (\d+) times?, suppressed by syslog-ng on \S+$/s;

/** A parsed line stands for `copies` events like `event`: the line itself (1) or a fold (N). */
export type RepeatOutcome = { event: NewEvent; copies: number } | { reject: string };

export class RepeatExpander {
  private readonly lastByHost = new Map<string, NewEvent>();
  private copiesMade = 0;

  /**
   * What a parsed syslog line stands for. The copies are made by the caller, one at a time,
   * so that they reach the sink (and the writer) in batches rather than as one array.
   */
  expand(event: NewEvent): RepeatOutcome {
    const message = event.message ?? '';
    const hostKey = event.host ?? '';
    let count: number;
    let template: NewEvent | null;
    const rsyslog = RSYSLOG.exec(message);
    // The bracket's text as rsyslog wrote it: the message with its leading space.
    const bracketLength = rsyslog ? message.length - message.indexOf('[') - 2 : 0;
    if (rsyslog && bracketLength <= RSYSLOG_MAX_MESSAGE) {
      count = Number(rsyslog[1]);
      template = { ...event, message: rsyslog[2] ?? '' };
    } else {
      const sysklogd = SYSKLOGD.exec(message);
      const ng = sysklogd ? null : SYSLOG_NG.exec(message);
      if (!sysklogd && !ng) {
        this.remember(hostKey, event);
        return { event, copies: 1 };
      }
      count = Number(sysklogd ? sysklogd[1] : ng?.[2]);
      const previous = this.lastByHost.get(hostKey) ?? null;
      const agrees = ng === null || (previous?.message ?? '').startsWith(ng[1] ?? '');
      template =
        previous !== null && agrees
          ? {
              ...previous,
              ts: event.ts,
              tsText: event.tsText,
              sourceLine: event.sourceLine,
              raw: event.raw,
              authRule: null,
              authFailure: false,
            }
          : null;
      if (template === null) return { event, copies: 1 };
    }
    if (!Number.isSafeInteger(count) || count > MAX_REPEATS) {
      return { reject: `repeat count ${count} is above ${MAX_REPEATS}: not expanded` };
    }
    const budget = Math.min(MAX_COPIES_PER_SOURCE, MAX_REPEATS + COPIES_PER_LINE * event.sourceLine);
    if (this.copiesMade + count > budget) {
      return {
        reject:
          `repeat count ${count} would make ${this.copiesMade + count} copies of folded messages by this line, ` +
          `above the ${budget} allowed: not expanded`,
      };
    }
    this.copiesMade += count;
    return { event: template, copies: count };
  }

  private remember(host: string, event: NewEvent): void {
    this.lastByHost.delete(host);
    this.lastByHost.set(host, event);
    if (this.lastByHost.size > MAX_HOSTS) {
      const oldest = this.lastByHost.keys().next().value;
      if (oldest !== undefined) this.lastByHost.delete(oldest);
    }
  }
}
