// Writes the demo rollout's logs into resources/demo (deterministic: same bytes every run).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateDemoFiles } from '../out/node/electron/core/demo/generateDemo.js';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'resources', 'demo');
fs.mkdirSync(dir, { recursive: true });
for (const file of generateDemoFiles()) {
  fs.writeFileSync(path.join(dir, file.name), file.content);
  console.log(`${file.name}: ${file.content.split('\n').length - 1} lines, ${file.content.length} bytes`);
}
