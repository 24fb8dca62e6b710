// Pseudonyms for the personal data a review could carry out of the case: client IPs (v4 and
// v6), e-mail addresses and user names. Each is replaced by a keyed hash (HMAC-SHA256 with the
// case's own key, migration 0006), so the same value reads the same everywhere in the case's
// reviews and cannot be reversed without the case:
//   user names  → `user-<8 hex>`
//   IPs         → `ip-<8 hex>`
//   e-mails     → `email-<8 hex>@pseudonym.invalid` (a reserved domain: never deliverable)
//   client host names (PAM's `rhost=`) → `host-<8 hex>`
// A user name that is itself an e-mail address or an IP gets that kind's pseudonym, so one
// person reads the same whether found in the `user` column or in a message.
//
// Text is scanned once: every detector (e-mail, IPv4, IPv6, the user names the case's events
// name, and user names in obvious log patterns such as sshd's `for invalid user X from`,
// PAM's `for user X` and `rhost=`, sudo's `sudo: X :`, `user=X` and `"user.name":"X"`) proposes spans; overlapping spans are resolved earliest first, then longest, and
// the chosen spans are replaced in one pass. So replacing one value can never corrupt another
// (`bob` inside `bob@example.com` or `bobby`), and a pseudonym is never hashed again.
import { createHmac } from 'node:crypto';
import { isIP, isIPv6 } from 'node:net';
import { z } from 'zod';
import { CoalmineError } from '../../../shared/errors.js';
import type { CaseDb } from '../case/caseStore.js';
import { REVIEW_PSEUDONYM_KEY_SETTING } from '../case/migrations/0006-add-review-pseudonym-key.js';
import { getSetting } from '../case/settings.js';

export type PersonalKind = 'user' | 'ip' | 'email' | 'host';

export interface Pseudonymiser {
  readonly enabled: boolean;
  /** Free text (a log line, a message, a query) with every personal value replaced. */
  text(value: string): string;
  /** One value known to be of `kind` (a `user` or `client_ip` column), replaced whole. */
  value(kind: PersonalKind, value: string): string;
}

const keySchema = z.string().regex(/^[0-9a-f]{64}$/, 'the pseudonym key is 64 hex digits');

const PSEUDONYM_DOMAIN = 'pseudonym.invalid';

// The local part leaves out quotes, `=` and `/`, which in logs delimit the address; the
// top-level domain starts with a letter, so `service@1.2.0` (a rollout id) is no address.
const EMAIL =
  /[A-Za-z0-9.!#$%&*+?^_~-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?![\w-])/g;
const IPV4 = /(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\w]|\.\d)/g;
// Candidates only: hex groups and colons (with an optional embedded IPv4), checked by node:net.
const IPV6_CANDIDATE =
  /(?<![\w:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?::(?:\d{1,3}\.){3}\d{1,3})?(?![\w:]|\.\d)/g;
/** Log patterns that name a user (sshd, PAM, sudo, key=value pairs, JSON); group 1 is the name. */
const USER_PATTERNS: readonly RegExp[] = [
  /\b(?:password|publickey|keyboard-interactive(?:\/pam)?|none|hostbased) for (?:invalid user |illegal user )?([^\s"'<>]+) from\b/dgi,
  /\binvalid user ([^\s"'<>]+)/dgi,
  /\bfor user ([^\s"'<>;,()]+)/dgi,
  /\b(?:by )?user "([^"\n]{1,200})"/dgi,
  /\bsudo: +([^\s:]+) :/dgi,
  /\b(?:user(?:name)?|ruser|logname|login|uid|principal|account)=(?!")([^\s,;&"'<>)\]]+)/dgi,
  /\b(?:user(?:name)?|ruser|login|principal|account)="([^"\n]{1,200})"/dgi,
  /"(?:user(?:name)?|user\.name|login|principal)"\s*:\s*"((?:[^"\\\n]|\\.){1,200})"/dgi,
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

interface Span {
  start: number;
  end: number;
  kind: PersonalKind;
  value: string;
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

/** The case's pseudonym key; a case without one (written before migration 0006) is refused. */
export function readPseudonymKey(db: CaseDb): string {
  const key = getSetting(db, REVIEW_PSEUDONYM_KEY_SETTING, keySchema.nullable(), null);
  if (key === null) {
    throw new CoalmineError(
      'BAD_INPUT',
      'this case has no pseudonym key (setting review.pseudonymKey): open it read-write once so it is upgraded, or review it with pseudonymisation off',
    );
  }
  return key;
}

/**
 * The user names the case's events carry (column `user`), for finding them in free text. Read
 * over the whole case, complete or not: a name seen anywhere must not leave in clear.
 */
export function knownUserNames(db: CaseDb, limit = 200_000): string[] {
  return db.prepare(`SELECT DISTINCT user FROM events WHERE user IS NOT NULL LIMIT ?`).pluck().all(limit) as string[];
}

export const CLEAR: Pseudonymiser = { enabled: false, text: (v) => v, value: (_k, v) => v };

export function createPseudonymiser(key: string, userNames: Iterable<string>): Pseudonymiser {
  const cache = new Map<string, string>();
  const pseudonym = (givenKind: PersonalKind, raw: string): string => {
    const kind = kindOf(givenKind, raw);
    if (kind === 'email' && raw.toLowerCase().endsWith(`@${PSEUDONYM_DOMAIN}`)) return raw;
    const normal = kind === 'user' ? raw : raw.toLowerCase();
    const id = `${kind}\u0000${normal}`;
    let out = cache.get(id);
    if (out === undefined) {
      const hash = createHmac('sha256', Buffer.from(key, 'hex')).update(id, 'utf8').digest('hex').slice(0, 8);
      out = kind === 'email' ? `email-${hash}@${PSEUDONYM_DOMAIN}` : `${kind}-${hash}`;
      cache.set(id, out);
    }
    return out;
  };

  const simple = new Set<string>();
  const unusual: string[] = [];
  for (const name of userNames) {
    if (!plausibleUser(name)) continue;
    if (/^[\p{L}\p{N}_.@+-]+$/u.test(name)) simple.add(name);
    else unusual.push(name);
  }
  unusual.sort((a, b) => b.length - a.length || (a < b ? -1 : 1));

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

  const text = (value: string): string => {
    const found = spans(value).sort((a, b) => a.start - b.start || b.end - a.end);
    let out = '';
    let at = 0;
    for (const span of found) {
      if (span.start < at) continue; // inside a span already replaced
      out += value.slice(at, span.start) + pseudonym(span.kind, span.value);
      at = span.end;
    }
    return out + value.slice(at);
  };

  return { enabled: true, text, value: pseudonym };
}

/** The review's pseudonymiser: the case's key and user names, or none when asked in clear. */
export function pseudonymiserFor(db: CaseDb, enabled: boolean): Pseudonymiser {
  if (!enabled) return CLEAR;
  return createPseudonymiser(readPseudonymKey(db), knownUserNames(db));
}
