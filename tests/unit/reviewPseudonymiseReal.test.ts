// Pseudonyms on real public auth logs (../shared/data/real, README there): after
// pseudonymisation no IPv4 address, no client host and no user name the line names is left.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPseudonymiser } from '../../electron/core/review/pseudonymise.js';
import { projectRoot } from '../helpers/cli.js';

const REAL = path.resolve(projectRoot, '../shared/data/real');
const present = fs.existsSync(REAL);
if (!present)
  console.warn(`real-data pseudonym tests skipped: ${REAL} is absent (the shared real logs are not on this machine)`);

const FILES = [
  'loghub/Linux_2k.log',
  'elastic-beats/system-auth-test.log',
  'elastic-integrations/test-secure-rhel7.log',
];

/** What a reader would call personal in these lines, found by hand-written patterns. */
const NAMED = [
  /\b(?:for |invalid user |user=|ruser=|rhost=|user ")((?!user\b|unknown\b)[A-Za-z][\w.-]+)/g,
  /\b(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})\b/g,
];

describe.skipIf(!present)('review pseudonyms on real auth logs', () => {
  it.each(FILES)('leave no IPv4, client host or named user of %s in clear', (file) => {
    const lines = fs
      .readFileSync(path.join(REAL, file), 'utf8')
      .split(/\r?\n/)
      .filter((l) => l !== '');
    const p = createPseudonymiser('0f'.repeat(32), []);
    let named = 0;
    for (const line of lines) {
      const out = p.text(line);
      for (const pattern of NAMED) {
        for (const m of line.matchAll(pattern)) {
          const value = m[1] as string;
          if (/^(?:user|from|the|more|Read|login|PnP|high-res)$/.test(value)) continue;
          named += 1;
          // The value is gone from the place it stood (it may survive as part of another word).
          expect(out, `${file}: ${line}`).not.toContain(`${m[0].slice(0, m[0].length - value.length)}${value}`);
        }
      }
      expect(out).not.toMatch(/\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b/);
    }
    expect(named).toBeGreaterThan(0);
  });
});
