// better-sqlite3 must be built for Electron's ABI, which differs from Node's. The Node build
// in node_modules serves the CLI and tests; the app loads its own build from native/
// (made by `npm run native:electron`, shipped as an extraResource).
import fs from 'node:fs';
import path from 'node:path';
import { app } from 'electron';

export function electronSqliteBinding(): string {
  const folder = `electron-v${process.versions.modules}-${process.platform}-${process.arch}`;
  const base = app.isPackaged ? process.resourcesPath : app.getAppPath();
  const binding = path.join(base, 'native', folder, 'better_sqlite3.node');
  if (!fs.existsSync(binding)) {
    throw new Error(
      `The SQLite addon for Electron is missing: ${binding}\n` +
        'Build it once on a machine with network access: npm run native:electron',
    );
  }
  return binding;
}
