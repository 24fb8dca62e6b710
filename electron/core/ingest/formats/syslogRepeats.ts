// syslog daemons fold a burst of identical messages into one line:
//   rsyslog ($RepeatedMsgReduction)  `sshd[99]: message repeated 5 times: [ Failed password for root …]`
//   sysklogd                         `last message repeated 5 times`
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
import type { NewEvent } from '../../case/events.js';

/** A fold larger than this is rejected rather than expanded: no real burst comes near it. */
export const MAX_REPEATS = 100_000;
/** Hosts whose last event is remembered for the folds that do not say their message. */
const MAX_HOSTS = 10_000;

const RSYSLOG = /^message repeated (\d+) times?: \[ ?(.*)\]$/s;
const SYSKLOGD = /^last message repeated (\d+) times?$/i;
const SYSLOG_NG = /^Last message '(.*)' repeated (\d+) times?, suppressed by syslog-ng on \S+$/s;

export type RepeatOutcome = { events: NewEvent[] } | { reject: string };

export class RepeatExpander {
  private readonly lastByHost = new Map<string, NewEvent>();

  /** The events a parsed syslog line stands for: itself, or the N copies a fold stands for. */
  expand(event: NewEvent): RepeatOutcome {
    const message = event.message ?? '';
    const hostKey = event.host ?? '';
    let count: number;
    let template: NewEvent | null;
    const rsyslog = RSYSLOG.exec(message);
    if (rsyslog) {
      count = Number(rsyslog[1]);
      template = { ...event, message: rsyslog[2] ?? '' };
    } else {
      const sysklogd = SYSKLOGD.exec(message);
      const ng = sysklogd ? null : SYSLOG_NG.exec(message);
      if (!sysklogd && !ng) {
        this.remember(hostKey, event);
        return { events: [event] };
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
      if (template === null) return { events: [event] };
    }
    if (!Number.isSafeInteger(count) || count > MAX_REPEATS) {
      return { reject: `repeat count ${count} is above ${MAX_REPEATS}: not expanded` };
    }
    const events: NewEvent[] = [];
    for (let i = 0; i < count; i += 1) events.push({ ...template });
    return { events };
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
