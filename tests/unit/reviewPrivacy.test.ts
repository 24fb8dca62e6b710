// What the review's pseudonymiser must also catch: addresses hidden by percent- or JSON
// escapes, addresses in any script, credentials (redacted in clear reviews too), a bound on
// the names it is given that fails loudly, and a case whose key was removed by hand.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { closeCase, openCase } from '../../electron/core/case/caseStore.js';
import {
  CLEAR,
  MAX_PERCENT_ROUNDS,
  PSEUDONYM_HEX_DIGITS,
  createPseudonymiser,
  readPseudonymKey,
} from '../../electron/core/review/pseudonymise.js';
import { redactCredentials } from '../../electron/core/review/redactCredentials.js';
import { tempDir } from '../helpers/tempCase.js';

const KEY = '5a'.repeat(32);
const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';

describe('review pseudonyms behind encodings and in any script', () => {
  const p = createPseudonymiser(KEY, ['José Núñez', 'zoë', 'alice']);

  it('are 12 hex digits long', () => {
    expect(PSEUDONYM_HEX_DIGITS).toBe(12);
    expect(p.value('ip', '192.0.2.1')).toMatch(/^ip-[0-9a-f]{12}$/);
    expect(p.value('email', 'a@b.example')).toMatch(/^email-[0-9a-f]{12}@pseudonym\.invalid$/);
  });

  it('finds percent-encoded e-mail addresses and replaces the whole encoded span', () => {
    const email = (v: string) => p.value('email', v);
    expect(p.text('GET /reset?user%40corp.example HTTP/1.1')).toBe(`GET /reset?${email('user@corp.example')} HTTP/1.1`);
    expect(p.text('POST /invite email=alice%40x.org&role=admin')).toBe(
      `POST /invite email=${email('alice@x.org')}&role=admin`,
    );
    expect(p.text('to=jane%2Edoe%40corp%2Eexample;')).toBe(`to=${email('jane.doe@corp.example')};`);
    // Multi-byte UTF-8 escapes map back to their whole span.
    expect(p.text('u=j%C3%BCrgen%40ex%C3%A4mple.de end')).toBe(`u=${email('jürgen@exämple.de')} end`);
    // Percent-escapes that hide nothing are left as they are.
    expect(p.text('GET /search?q=caf%C3%A9%20au%20lait 50%')).toBe('GET /search?q=caf%C3%A9%20au%20lait 50%');
  });

  it('finds e-mail addresses behind repeated percent-encoding, replacing the whole encoded span', () => {
    const email = (v: string) => p.value('email', v);
    // Encoded twice: `%25` is the `%` of the `%40` beneath.
    expect(p.text('GET /reset?email=user%2540example.com HTTP/1.1')).toBe(
      `GET /reset?email=${email('user@example.com')} HTTP/1.1`,
    );
    expect(p.text('to=USER%252540EXAMPLE.COM;')).toBe(`to=${email('user@example.com')};`);
    // A path encoded twice, with an address inside: the slashes around it stay as logged.
    expect(p.text('GET /login?next=%252Fusers%252Fbob%2540corp.example%252Fedit 302')).toBe(
      `GET /login?next=%252Fusers%252F${email('bob@corp.example')}%252Fedit 302`,
    );
    // Every character of the address encoded, then encoded again.
    const twice = [...'jo@x.org'].map((ch) => `%25${ch.charCodeAt(0).toString(16).padStart(2, '0')}`).join('');
    expect(p.text(`u=${twice}&x=1`)).toBe(`u=${email('jo@x.org')}&x=1`);
    // Multi-byte UTF-8 escapes encoded twice map back to their whole span.
    expect(p.text('u=j%25C3%25BCrgen%2540ex%25C3%25A4mple.de end')).toBe(`u=${email('jürgen@exämple.de')} end`);
    // Known user names and IPs too.
    expect(p.text('by=Jos%25C3%25A9%2520N%25C3%25BA%25C3%25B1ez;')).toBe(`by=${p.value('user', 'José Núñez')};`);
    expect(p.text('ip=192%252E0%252E2%252E7 ok')).toBe(`ip=${p.value('ip', '192.0.2.7')} ok`);
  });

  it('decodes a bounded number of rounds, and leaves escapes that hide nothing as they are', () => {
    // Encoded MAX_PERCENT_ROUNDS times over: still found.
    let layered = 'x@y.example';
    for (let round = 0; round < MAX_PERCENT_ROUNDS; round += 1) {
      layered = encodeURIComponent(layered).replace(/\./g, '%2E');
    }
    expect(p.text(`m=${layered};`)).toBe(`m=${p.value('email', 'x@y.example')};`);
    // Nested escapes that decode to no identity come out unchanged, whatever their depth.
    const noise = `q=${'%25'.repeat(2000)}41 50%25 off`;
    expect(p.text(noise)).toBe(noise);
    expect(p.text('GET /search?q=caf%25C3%25A9%2520au%2520lait%252F 100%2525')).toBe(
      'GET /search?q=caf%25C3%25A9%2520au%2520lait%252F 100%2525',
    );
  });

  it('finds e-mail addresses with letters and marks of any script, without taking in what bounds them', () => {
    const out = p.text('mail to «jürgen.müller@exämple.de», cc: Δημήτρης@παράδειγμα.ελ; 用户@例子.中国 ok');
    expect(out).toBe(
      `mail to «${p.value('email', 'jürgen.müller@exämple.de')}», cc: ${p.value('email', 'Δημήτρης@παράδειγμα.ελ')}; ${p.value('email', '用户@例子.中国')} ok`,
    );
    // A decomposed ü is the same person as a composed one.
    expect(p.text('jürgen.mu\u0308ller@exämple.de')).toBe(p.value('email', 'jürgen.müller@exämple.de'));
    // Versions and rollout ids are no addresses, in any script.
    expect(p.text('rollout shop-api@1.2.0 and café@2.0')).toBe('rollout shop-api@1.2.0 and café@2.0');
  });

  it('finds known user names in their JSON-escaped form', () => {
    const line = String.raw`{"actor":"Jos\u00e9 N\u00fa\u00f1ez","by":"zo\u00eb","note":"Zo\u00EB? no: \\u00e9"}`;
    const out = p.text(line);
    expect(out).toBe(
      String.raw`{"actor":"${p.value('user', 'José Núñez')}","by":"${p.value('user', 'zoë')}","note":"Zo\u00EB? no: \\u00e9"}`,
    );
    // An escaped e-mail address too.
    expect(p.text(String.raw`"mail":"bob\u0040corp.example"`)).toBe(`"mail":"${p.value('email', 'bob@corp.example')}"`);
  });

  it('takes a token’s sub claim for a user name', () => {
    expect(p.text('token ok sub=carol.w aud=shop')).toBe(`token ok sub=${p.value('user', 'carol.w')} aud=shop`);
    expect(p.text('{"sub":"dave"}')).toBe(`{"sub":"${p.value('user', 'dave')}"}`);
  });
});

describe('credentials in review text', () => {
  const CASES: [string, string][] = [
    ['Authorization: Bearer abc.DEF-123_x', 'Authorization: Bearer [redacted]'],
    ['authorization: Basic dXNlcjpwYXNz rest', 'authorization: Basic [redacted] rest'],
    ['{"authorization":"Token 0123456789abcdef"}', '{"authorization":"Token [redacted]"}'],
    [
      'Authorization: Digest username="bob", realm="x", response="6629fae4" next',
      'Authorization: Digest [redacted] next',
    ],
    ['curl -H "Bearer s3cr3t-token" x', 'curl -H "Bearer [redacted]" x'],
    [`jwt=${JWT} ok`, 'jwt=[redacted] ok'],
    ['Cookie: session=abc123; theme=dark next', 'Cookie: [redacted] next'],
    ['Set-Cookie: sid=xyz; Path=/; HttpOnly', 'Set-Cookie: [redacted]; HttpOnly'],
    ['GET /a?cookie=abc&x=1', 'GET /a?cookie=[redacted]&x=1'],
    [
      'POST /login password=hunter2&passwd=p2&token=t1&api_key=k1&apikey=k2&secret=s1&access_token=at',
      'POST /login password=[redacted]&passwd=[redacted]&token=[redacted]&api_key=[redacted]&apikey=[redacted]&secret=[redacted]&access_token=[redacted]',
    ],
    ['{"password":"hunter2","client_secret":"a\\"b"}', '{"password":"[redacted]","client_secret":"[redacted]"}'],
  ];

  it.each(CASES)('redacts %s', (input, expected) => {
    expect(redactCredentials(input)).toBe(expected);
    // Both in clear and pseudonymised reviews, and once redacted it stays as it is.
    expect(CLEAR.text(input)).toBe(expected);
    expect(createPseudonymiser(KEY, []).text(input)).toBe(expected);
    expect(redactCredentials(expected)).toBe(expected);
  });

  it('leaves words that only look like credential names alone', () => {
    const plain =
      'tokens=5 passwords checked; the bearer of news; PWD=/home/x ; secretary=yes; sudo COMMAND=/usr/bin/passwd';
    expect(redactCredentials(plain)).toBe(plain);
  });
});

describe('bounds and keys of review pseudonyms', () => {
  it('refuses more user names than it can promise to find, instead of leaving some in clear', () => {
    const names = Array.from({ length: 11 }, (_, i) => `person${i}`);
    expect(() => createPseudonymiser(KEY, names, 10)).toThrow(/more than 10 distinct users.*pseudonymisation off/);
    expect(createPseudonymiser(KEY, names, 11).text('person10')).toMatch(/^user-/);
  });

  it('notes sampled users it did not know, so the document can be built again knowing them', () => {
    const p = createPseudonymiser(KEY, ['alice']);
    p.noteUser('alice');
    p.noteUser(null);
    p.noteUser('-');
    p.noteUser('zed');
    // Found by their own patterns wherever they stand.
    p.noteUser('zoe@corp.example');
    p.noteUser('2001:db8::1');
    expect(p.missedUserNames()).toEqual(['zed']);
    expect(CLEAR.missedUserNames()).toEqual([]);
  });

  it('makes a new key when a case opened read-write has none, and says what helps when read-only', () => {
    const file = path.join(tempDir(), 'k.coalmine');
    const db = openCase(file, { create: true });
    const first = readPseudonymKey(db);
    db.prepare(`DELETE FROM settings WHERE key = 'review.pseudonymKey'`).run();
    closeCase(db);

    const readOnly = openCase(file, { readOnly: true });
    expect(() => readPseudonymKey(readOnly)).toThrow(
      /no pseudonym key .*open the case read-write \(not read-only\) once.*pseudonymisation off/,
    );
    closeCase(readOnly);

    const again = openCase(file);
    const made = readPseudonymKey(again);
    expect(made).toMatch(/^[0-9a-f]{64}$/);
    expect(made).not.toBe(first);
    closeCase(again);
    // The advice holds: the auditor's read-only open now pseudonymises.
    const audit = openCase(file, { readOnly: true });
    expect(readPseudonymKey(audit)).toBe(made);
    closeCase(audit);
  });
});
