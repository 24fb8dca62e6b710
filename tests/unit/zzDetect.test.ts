import fs from 'node:fs';
import path from 'node:path';
import { it } from 'vitest';
import { detectFormat } from '../../electron/core/ingest/formats/index.js';
import { detectFormat as oldDetect } from '../../../main/electron/core/ingest/formats/index.js';
function walk(d: string): string[] { return fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]); }
const name = (f: (s: string[], n: string) => { name: string }, s: string[], n: string) => { try { return f(s, n).name; } catch { return 'none'; } };
it('same detection', () => {
  const files = [...walk('/work/shared/data/real'), ...walk('tests/fixtures'), ...walk('resources').filter((f) => /\.(log|json|ndjson|csv|txt)$/.test(f))];
  for (const file of files) {
    if (fs.statSync(file).size > 50e6) continue;
    const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '').slice(0, 20);
    const a = name(oldDetect, lines, path.basename(file));
    const b = name(detectFormat, lines, path.basename(file));
    if (a !== b) console.log('DIFF', file, a, '->', b);
  }
  console.log('checked', files.length);
});
