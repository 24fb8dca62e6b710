// Pseudonyms in reviews: every client IP, e-mail address and user name is replaced by a keyed
// hash, the same value by the same pseudonym, without one replacement corrupting another.
import { describe, expect, it } from 'vitest';
import { createPseudonymiser } from '../../electron/core/review/pseudonymise.js';

const KEY = 'ab'.repeat(32);
const OTHER_KEY = 'cd'.repeat(32);

describe('review pseudonyms', () => {
  const p = createPseudonymiser(KEY, ['alice', 'bob', 'svc account', 'x', '-']);

  it('replaces e-mail addresses, IPv4 and IPv6 addresses with keyed, stable pseudonyms', () => {
    const text = p.text(
      'login by Alice.Smith@Example.com from 203.0.113.9:443 and [2001:db8::7] via ::ffff:198.51.100.2',
    );
    expect(p.text('from 2001:db8::1.')).toBe(`from ${p.value('ip', '2001:db8::1')}.`);
    expect(text).not.toMatch(/Example\.com|203\.0\.113|2001:db8|198\.51\.100/i);
    expect(text).toMatch(
      /^login by email-[0-9a-f]{12}@pseudonym\.invalid from ip-[0-9a-f]{12}:443 and \[ip-[0-9a-f]{12}\] via ip-[0-9a-f]{12}$/,
    );
    // The same value, differently cased, is one person; the same text gives the same bytes.
    expect(p.text('alice.smith@example.com')).toBe(text.split(' ')[2]);
    expect(p.text('GET from 203.0.113.9')).toContain(p.value('ip', '203.0.113.9'));
    // Another case (another key) gives other pseudonyms.
    expect(createPseudonymiser(OTHER_KEY, []).text('203.0.113.9')).not.toBe(p.text('203.0.113.9'));
  });

  it('replaces known user names as whole tokens only, longest span first', () => {
    const alice = p.value('user', 'alice');
    expect(alice).toMatch(/^user-[0-9a-f]{12}$/);
    expect(p.text('alice logged in; alicex and malice did not; bob@corp.example is mail; by alice.')).toBe(
      `${alice} logged in; alicex and malice did not; ${p.value('email', 'bob@corp.example')} is mail; by ${alice}.`,
    );
    // A name with a space is found too, bounded; names too short or placeholders are not names.
    expect(p.text('owner=svc account.')).toBe(`owner=${p.value('user', 'svc account')}.`);
    expect(p.text('x - y')).toBe('x - y');
  });

  it('finds user names in sshd lines and key=value pairs even when the case never named them', () => {
    const text = p.text(
      'Failed password for invalid user mallory from 198.51.100.4 port 22 ssh2; Accepted publickey for trent from 10.0.0.1; user=eve login="carol d" {"user.name":"dave"}',
    );
    for (const name of ['mallory', 'trent', 'eve', 'carol d', 'dave']) {
      expect(text).not.toContain(name);
      expect(text).toContain(p.value('user', name));
    }
    expect(text).not.toMatch(/198\.51|10\.0\.0\.1/);
    // PAM's client host, and ftpd's reverse-DNS name that spells the IP out.
    expect(p.text('ruser= rhost=dsl-1.example.net  user=root')).toBe(
      `ruser= rhost=${p.value('host', 'dsl-1.example.net')}  user=${p.value('user', 'root')}`,
    );
    expect(p.value('host', 'dsl-1.example.net')).toMatch(/^host-[0-9a-f]{12}$/);
    expect(p.text('connection from 203.0.113.59 (static-059.113.0.203.isp.example)')).toBe(
      `connection from ${p.value('ip', '203.0.113.59')} (${p.value('host', 'static-059.113.0.203.isp.example')})`,
    );
  });

  it('gives a user name that is an e-mail address or an IP the pseudonym of that kind', () => {
    expect(p.value('user', 'Carol@Example.com')).toBe(p.text('carol@example.com'));
    expect(p.value('user', '192.0.2.1')).toBe(p.value('ip', '192.0.2.1'));
  });

  it('never hashes a pseudonym again and leaves times, versions and MAC addresses alone', () => {
    const once = p.text('alice at 10.1.2.3');
    expect(p.text(once)).toBe(once);
    const plain =
      'at 10:00:00, rollout shop-api@1.2.0, version 1.2.3, mac aa:bb:cc:dd:ee:ff, 2026-03-02T10:00:00Z, 1.2.3.4.5';
    expect(p.text(plain)).toBe(plain);
  });
});
