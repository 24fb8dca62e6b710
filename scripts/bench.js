// `npm run bench [-- --lines N]`: runs every section in scripts/bench/*.js, each in its own
// child process (so each one's peak RSS is its own), in name order, passing the arguments on.
// Each section can also run alone: `node scripts/bench/<name>.js [--lines N]`. Figures are
// printed, never asserted: speed lives here, not in timed tests.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const dir = path.join(import.meta.dirname, 'bench');
const sections = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.js'))
  .sort();
let failed = 0;
for (const section of sections) {
  console.log(`\n== ${section.replace(/\.js$/, '')} ==`);
  const run = spawnSync(process.execPath, [path.join(dir, section), ...process.argv.slice(2)], { stdio: 'inherit' });
  if (run.status !== 0) {
    failed += 1;
    console.log(`section ${section} failed (exit ${run.status ?? run.signal})`);
  }
}
process.exitCode = failed === 0 ? 0 : 1;
