// vitest globalSetup: the parse worker (and the CLI the integration tests run) execute the
// built Node code in out/node, since a worker thread cannot load TypeScript on Node 20.
// An incremental build here keeps that code the same as the sources under test (a second or
// two when nothing changed), so `npx vitest` after an edit never tests a stale worker.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export default function setup(): void {
  const root = path.resolve(import.meta.dirname, '../..');
  execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-b', 'tsconfig.node.json'], {
    cwd: root,
    stdio: 'inherit',
  });
}
