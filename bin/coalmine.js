#!/usr/bin/env node
// The `coalmine` command. The TypeScript is compiled to out/node by `npm run build`, which
// `npm ci` runs through the `prepare` script.
import { existsSync } from 'node:fs';

const entry = new URL('../out/node/electron/cli/index.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('coalmine: not built yet; run `npm run build` (or `npm ci`) first\n');
  process.exit(2);
}
await import(entry.href);
