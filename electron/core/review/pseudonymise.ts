// Pseudonyms for the personal data a review could carry out of the case: client IPs (v4 and
// v6), e-mail addresses and user names. Each is replaced by a keyed hash (HMAC-SHA256 with the
// case's own key, migration 0006), so the same value reads the same everywhere in the case's
// reviews and cannot be reversed without the case:
//   user names  → `user-<12 hex>`
//   IPs         → `ip-<12 hex>`
//   e-mails     → `email-<12 hex>@pseudonym.invalid` (a reserved domain: never deliverable)
//   client host names (PAM's `rhost=`) → `host-<12 hex>`
// 12 hex digits are 48 bits: two of a million people share a pseudonym with a chance of about
// 1 in 560 (8 digits, 32 bits, made a clash likely from about 100,000 people).
// A user name that is itself an e-mail address or an IP gets that kind's pseudonym, so one
// person reads the same whether found in the `user` column or in a message.
//
// Text is scanned once: every detector (e-mail, IPv4, IPv6, the user names the case's events
// name, and user names in obvious log patterns such as sshd's `for invalid user X from`,
// PAM's `for user X` and `rhost=`, sudo's `sudo: X :`, `user=X` and `"user.name":"X"`) proposes spans; overlapping spans are resolved earliest first, then longest, and
// the chosen spans are replaced in one pass. So replacing one value can never corrupt another
// (`bob` inside `bob@example.com` or `bobby`), and a pseudonym is never hashed again.
// Values hidden by an encoding are found too: the detectors also run over the text with its
// percent-escapes (`alice%40corp.example`) and its JSON `\uXXXX` escapes (`Jos\u00e9`) decoded,
// and a value found there replaces its whole encoded span. Percent-encoding is undone round
// after round (MAX_PERCENT_ROUNDS): a URL put into a query string and logged encoded again
// reads `alice%2540corp.example`, whose `%25` is the `%` of the `%40` beneath.
//
// Credentials (redactCredentials.ts) are redacted before any of this, in clear reviews too.
import { createHmac } from 'node:crypto';
import { isIP, isIPv6 } from 'node:net';
import { z } from 'zod';
import type { Rollout } from '../../../shared/api.js';
import { CoalmineError } from '../../../shared/errors.js';
import type { CaseDb } from '../case/caseStore.js';
import { REVIEW_PSEUDONYM_KEY_SETTING } from '../case/migrations/0006-add-review-pseudonym-key.js';
import { getSetting } from '../case/settings.js';
import { redactCredentials } from './redactCredentials.js';

export type PersonalKind = 'user' | 'ip' | 'email' | 'host';

export interface Pseudonymiser {
  readonly enabled: boolean;
  /** Free text (a log line, a message, a query) with every credential and personal value replaced. */
  text(value: string): string;
  /** One value known to be of `kind` (a `user` or `client_ip` column), replaced whole. */
  value(kind: PersonalKind, value: string): string;
  /**
   * Tells the pseudonymiser the `user` of an event the document samples. A name it did not
   * know may already stand in clear in text it replaced: `missedUserNames` lists such names,
   * and the document is built again knowing them (reviewModel.ts).
   */
  noteUser(name: string | null): void;
  /** The user names given to `noteUser` that were not among the names known to find. */
  missedUserNames(): string[];
}

const keySchema = z.string().regex(/^[0-9a-f]{64}$/, 'the pseudonym key is 64 hex digits');

const PSEUDONYM_DOMAIN = 'pseudonym.invalid';
/** Hex digits of a pseudonym: 48 bits (see the head of this file). */
export const PSEUDONYM_HEX_DIGITS = 12;

// Letters and marks of any script and digits: `jürgen.müller@exämple.de` is an address. The
// local part leaves out quotes, `=`, `/`, `?` and `&`, which in logs delimit the address; the top-level
// domain starts with a letter, so `service@1.2.0` (a rollout id) is no address.
const EMAIL =
  /[\p{L}\p{M}\p{N}.!#$%*+^_~-]+@(?:[\p{L}\p{M}\p{N}](?:[\p{L}\p{M}\p{N}-]{0,61}[\p{L}\p{M}\p{N}])?\.)+\p{L}(?:[\p{L}\p{M}\p{N}-]{0,61}[\p{L}\p{M}\p{N}])?(?![\p{L}\p{M}\p{N}_-])/gu;
const WHOLE_EMAIL = new RegExp(`^(?:${EMAIL.source})$`, 'u');
const IPV4 = /(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\w]|\.\d)/g;
// Candidates only: hex groups and colons (with an optional embedded IPv4), checked by node:net.
const IPV6_CANDIDATE =
  /(?<![\w:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?::(?:\d{1,3}\.){3}\d{1,3})?(?![\w:]|\.\d)/g;
/**
 * Log patterns that name a user (sshd, PAM, sudo, key=value pairs, JSON, a token's `sub`
 * claim); group 1 is the name.
 */
const USER_PATTERNS: readonly RegExp[] = [
  /\b(?:password|publickey|keyboard-interactive(?:\/pam)?|none|hostbased) for (?:invalid user |illegal user )?([^\s"'<>]+) from\b/dgi,
  /\binvalid user ([^\s"'<>]+)/dgi,
  /\bfor user ([^\s"'<>;,()]+)/dgi,
  /\b(?:by )?user "([^"\n]{1,200})"/dgi,
  /\bsudo: +([^\s:]+) :/dgi,
  /\b(?:user(?:name)?|ruser|logname|login|uid|principal|account|sub)=(?!")([^\s,;&"'<>)\]]+)/dgi,
  /\b(?:user(?:name)?|ruser|login|principal|account|sub)="([^"\n]{1,200})"/dgi,
  /"(?:user(?:name)?|user\.name|login|principal|sub)"\s*:\s*"((?:[^"\\\n]|\\.){1,200})"/dgi,
];
/**
 * Patterns that name the client's host (PAM's rhost; ftpd's `connection from <ip> (<name>)`,
 * whose reverse-DNS name spells the IP out); group 1 is the host, an IP or a name.
 */
const HOST_PATTERNS: readonly RegExp[] = [/\brhost=([^\s,;&"'<>)\]]+)/dgi, /\bfrom [0-9A-Fa-f.:]+ \(([^()\s]+)\)/dgi];
/** Characters of a word a known user name must be bounded by on both sides. */
const WORD_CHAR = /[\p{L}\p{N}_@+-]/u;
/** Tokens that can be a known user name without looking further. */
const TOKEN = /[\p{L}\p{N}_.@+-]+/gu;
/**
 * Rounds of percent-decoding tried at most. Logs show a value encoded twice (a redirect URL in
 * a query string) and sometimes three times; each round costs one more scan of the text, so a
 * hostile line of nested `%25` cannot make the scan grow with its length.
 */
export const MAX_PERCENT_ROUNDS = 6;
/** Runs of percent-escapes, and JSON's \uXXXX escapes (a surrogate pair is two). */
const PERCENT_RUN = /(?:%[0-9A-Fa-f]{2})+/g;
const JSON_ESCAPE = /\\u([0-9A-Fa-f]{4})/g;

interface Span {
  start: number;
  end: number;
  kind: PersonalKind;
  value: string;
}

/**
 * Text with an encoding undone, and where each of its characters came from in the encoded
 * text: `from[i]` is the encoded offset of character i (`from[length]` the encoded length).
 */
interface DecodedView {
  text: string;
  from: number[];
}

function decodedView(encoded: string, pattern: RegExp, decode: (escaped: string) => string | null): DecodedView | null {
  let text = '';
  const from: number[] = [];
  let at = 0;
  let changed = false;
  for (const m of encoded.matchAll(pattern)) {
    for (let i = at; i < m.index; i += 1) from.push(i);
    text += encoded.slice(at, m.index);
    const decoded = decode(m[0]);
    if (decoded === null) {
      for (let i = m.index; i < m.index + m[0].length; i += 1) from.push(i);
      text += m[0];
    } else {
      // Each decoded character starts where its own escapes start.
      const per = m[0].length / Math.max(1, utf8Units(decoded));
      let units = 0;
      for (const ch of decoded) {
        for (let k = 0; k < ch.length; k += 1) from.push(m.index + Math.round(units * per));
        units += utf8Units(ch);
      }
      text += decoded;
      changed = true;
    }
    at = m.index + m[0].length;
  }
  if (!changed) return null;
  for (let i = at; i < encoded.length; i += 1) from.push(i);
  text += encoded.slice(at);
  from.push(encoded.length);
  return { text, from };
}

/**
 * The text with percent-escapes undone once, twice, … (at most MAX_PERCENT_ROUNDS), each view's
 * `from` mapped back to the offsets of `encoded` itself.
 */
function percentDecodedViews(encoded: string): DecodedView[] {
  const views: DecodedView[] = [];
  let text = encoded;
  let toEncoded: number[] | null = null;
  for (let round = 0; round < MAX_PERCENT_ROUNDS && /%[0-9A-Fa-f]{2}/.test(text); round += 1) {
    const view = decodedView(text, PERCENT_RUN, decodePercentRun);
    if (view === null) break;
    const back: number[] | null = toEncoded;
    // `view.from` holds offsets into the previous round's text, whose own `from` leads back.
    const from: number[] = back === null ? view.from : view.from.map((i) => back[i] ?? encoded.length);
    views.push({ text: view.text, from });
    text = view.text;
    toEncoded = from;
  }
  return views;
}

function utf8Units(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** A run of percent-escapes as UTF-8 text; null when the bytes are not UTF-8 (left as they are). */
function decodePercentRun(run: string): string | null {
  const bytes = Buffer.from(run.replace(/%/g, ''), 'hex');
  const text = bytes.toString('utf8');
  return text.includes('\uFFFD') && !run.toUpperCase().includes('%EF%BF%BD') ? null : text;
}

/** One JSON \uXXXX escape as its UTF-16 unit (a lone half of a surrogate pair pairs up in the view). */
function decodeJsonEscape(escape: string): string {
  return String.fromCharCode(Number.parseInt(escape.slice(2), 16));
}

function jsonEscapedView(encoded: string): DecodedView | null {
  // One UTF-16 unit per escape, so `from` maps unit by unit (utf8Units would miscount halves).
  if (!encoded.includes('\\u')) return null;
  let text = '';
  const from: number[] = [];
  let at = 0;
  for (const m of encoded.matchAll(JSON_ESCAPE)) {
    // `\\u00e9` is an escaped backslash followed by text, not an escape.
    let slashes = 0;
    for (let i = m.index - 1; i >= 0 && encoded[i] === '\\'; i -= 1) slashes += 1;
    if (slashes % 2 === 1) continue;
    for (let i = at; i < m.index; i += 1) from.push(i);
    text += encoded.slice(at, m.index) + decodeJsonEscape(m[0]);
    from.push(m.index);
    at = m.index + m[0].length;
  }
  if (at === 0) return null;
  for (let i = at; i < encoded.length; i += 1) from.push(i);
  text += encoded.slice(at);
  from.push(encoded.length);
  return { text, from };
}

function isEmail(value: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value);
}

function kindOf(kind: PersonalKind, value: string): PersonalKind {
  if (kind === 'user' && isEmail(value)) return 'email';
  if ((kind === 'user' || kind === 'host') && isIP(value) !== 0) return 'ip';
  return kind;
}

/** User names too short or too common to be anyone's: replacing them would garble text. */
function plausibleUser(name: string): boolean {
  return name.length >= 2 && !/^(?:-|null|none|nil|undefined|anonymous|unknown)$/i.test(name) && !/^\d+$/.test(name);
}

const MISSING_KEY_ADVICE =
  'this case has no pseudonym key (setting review.pseudonymKey, removed by hand): open the case read-write (not read-only) once and Coalmine makes a new one — pseudonyms then differ from those of earlier reviews of this case — or review it with pseudonymisation off';

/**
 * The case's pseudonym key. A case opened read-write gets one when it has none (caseStore.ts),
 * so only a read-only open of a case whose key was removed by hand meets this error.
 */
export function readPseudonymKey(db: CaseDb): string {
  const key = getSetting(db, REVIEW_PSEUDONYM_KEY_SETTING, keySchema.nullable(), null);
  if (key === null) throw new CoalmineError(db.readonly ? 'READ_ONLY' : 'BAD_INPUT', MISSING_KEY_ADVICE);
  return key;
}

/**
 * At most this many distinct user names are read to find in free text. Past it the review is
 * refused rather than leaving the names beyond in clear.
 */
export const MAX_KNOWN_USER_NAMES = 200_000;

/**
 * The user names of the rollout's window (its service's events of every track in its
 * environment between the window's bounds, complete sources or not), so the cost follows the
 * window, not the case. The window is read through the cohort index (service, environment,
 * track, ts; migrations 0004 and 0008), one table
 * row per event for its `user`; when the window holds most of the table (more than half of
 * its rows), reading the table in order is the faster of the two, and still bounded by twice
 * the window. Names met elsewhere (a controller's log) come in through `noteUser` when the
 * document samples their events.
 */
export function windowUserNames(db: CaseDb, rollout: Rollout, limit = MAX_KNOWN_USER_NAMES): string[] {
  const params = {
    service: rollout.service === '' ? null : rollout.service,
    environment: rollout.environment,
    from: rollout.fromMs,
    to: rollout.toMs,
  };
  const window = `service IS @service AND environment IS @environment AND track IN ('canary', 'stable', 'unknown') AND ts BETWEEN @from AND @to`;
  const inWindow = db.prepare(`SELECT count(*) FROM events WHERE ${window}`).pluck().get(params) as number;
  const rows = (db.prepare(`SELECT max(id) FROM events`).pluck().get() as number | null) ?? 0;
  // The unary `+` keeps the planner off the index, for a read of the table in order.
  const where = inWindow * 2 > rows ? window.replace('service IS', '+service IS') : window;
  const names = db
    .prepare(`SELECT DISTINCT user FROM events WHERE ${where} AND user IS NOT NULL LIMIT @limit`)
    .pluck()
    .all({ ...params, limit: limit + 1 }) as string[];
  if (names.length > limit) throw tooManyNames(limit);
  return names;
}

function tooManyNames(limit: number): CoalmineError {
  return new CoalmineError(
    'BAD_INPUT',
    `the rollout's window names more than ${limit.toLocaleString('en-GB')} distinct users, too many to find in free text: ` +
      'a pseudonymised review could leave some in clear, so none is written; review a shorter rollout, or review it with pseudonymisation off',
  );
}

export const CLEAR: Pseudonymiser = {
  enabled: false,
  // A credential is never personal data a reader needs in clear: it is redacted here too.
  text: redactCredentials,
  value: (_k, v) => v,
  noteUser: () => undefined,
  missedUserNames: () => [],
};

export function createPseudonymiser(
  key: string,
  userNames: Iterable<string>,
  maxUserNames = MAX_KNOWN_USER_NAMES,
): Pseudonymiser {
  const cache = new Map<string, string>();
  const pseudonym = (givenKind: PersonalKind, raw: string): string => {
    const kind = kindOf(givenKind, raw);
    if (kind === 'email' && raw.toLowerCase().endsWith(`@${PSEUDONYM_DOMAIN}`)) return raw;
    // One spelling per person: composed and decomposed accents (NFC), and case but for names.
    const composed = raw.normalize('NFC');
    const normal = kind === 'user' ? composed : composed.toLowerCase();
    const id = `${kind}\u0000${normal}`;
    let out = cache.get(id);
    if (out === undefined) {
      const hash = createHmac('sha256', Buffer.from(key, 'hex'))
        .update(id, 'utf8')
        .digest('hex')
        .slice(0, PSEUDONYM_HEX_DIGITS);
      out = kind === 'email' ? `email-${hash}@${PSEUDONYM_DOMAIN}` : `${kind}-${hash}`;
      cache.set(id, out);
    }
    return out;
  };

  const simple = new Set<string>();
  const unusual: string[] = [];
  const known = new Set<string>();
  for (const name of userNames) {
    known.add(name);
    if (!plausibleUser(name)) continue;
    if (/^[\p{L}\p{N}_.@+-]+$/u.test(name)) simple.add(name);
    else unusual.push(name);
  }
  if (known.size > maxUserNames) throw tooManyNames(maxUserNames);
  unusual.sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  const missed = new Set<string>();

  const bounded = (text: string, start: number, end: number): boolean =>
    !WORD_CHAR.test(text[start - 1] ?? '') && !WORD_CHAR.test(text[end] ?? '');

  const spans = (text: string): Span[] => {
    const found: Span[] = [];
    for (const m of text.matchAll(EMAIL)) {
      found.push({ start: m.index, end: m.index + m[0].length, kind: 'email', value: m[0] });
    }
    for (const m of text.matchAll(IPV4)) {
      found.push({ start: m.index, end: m.index + m[0].length, kind: 'ip', value: m[0] });
    }
    for (const m of text.matchAll(IPV6_CANDIDATE)) {
      if (m[0].includes('::') || m[0].split(':').length >= 8) {
        if (isIPv6(m[0])) found.push({ start: m.index, end: m.index + m[0].length, kind: 'ip', value: m[0] });
      }
    }
    for (const m of text.matchAll(TOKEN)) {
      // A token may end in sentence punctuation ("… by alice."): try it without.
      const token = m[0].replace(/[.]+$/, '');
      if (simple.has(token)) found.push({ start: m.index, end: m.index + token.length, kind: 'user', value: token });
    }
    for (const name of unusual) {
      for (let at = text.indexOf(name); at !== -1; at = text.indexOf(name, at + 1)) {
        if (bounded(text, at, at + name.length))
          found.push({ start: at, end: at + name.length, kind: 'user', value: name });
      }
    }
    for (const [kind, patterns] of [
      ['user', USER_PATTERNS],
      ['host', HOST_PATTERNS],
    ] as const) {
      for (const pattern of patterns) {
        for (const m of text.matchAll(pattern)) {
          const name = m[1];
          const where = m.indices?.[1];
          if (name === undefined || where === undefined || !plausibleUser(name)) continue;
          found.push({ start: where[0], end: where[1], kind, value: name });
        }
      }
    }
    return found;
  };

  /** Spans of the text and of its decoded views, each in the text's own offsets. */
  const allSpans = (value: string): Span[] => {
    const found = spans(value);
    const views = [...percentDecodedViews(value), jsonEscapedView(value)];
    for (const view of views) {
      if (view === null) continue;
      for (const span of spans(view.text)) {
        const start = view.from[span.start] ?? value.length;
        // The span ends where the character after it starts: the whole escape is inside.
        const end = view.from[span.end] ?? value.length;
        if (end > start) found.push({ ...span, start, end });
      }
    }
    return found;
  };

  const text = (input: string): string => {
    const value = redactCredentials(input);
    const found = allSpans(value).sort((a, b) => a.start - b.start || b.end - a.end);
    let out = '';
    let at = 0;
    for (const span of found) {
      if (span.start < at) continue; // inside a span already replaced
      out += value.slice(at, span.start) + pseudonym(span.kind, span.value);
      at = span.end;
    }
    return out + value.slice(at);
  };

  const noteUser = (name: string | null): void => {
    if (name === null || known.has(name) || !plausibleUser(name)) return;
    // An address or an IP is found by its own pattern wherever it stands: no build again.
    if (isIP(name) !== 0 || WHOLE_EMAIL.test(name)) return;
    missed.add(name);
  };

  return { enabled: true, text, value: pseudonym, noteUser, missedUserNames: () => [...missed].sort() };
}
