// electron-builder cannot package here (it downloads Electron), but its configuration can be
// checked against its own schema, and what the app needs at run time must be shipped.
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../helpers/cli.js';

const require = createRequire(import.meta.url);

interface BuildConfig {
  files: string[];
  extraResources: { from: string; to: string }[];
  npmRebuild: boolean;
}

const manifest = require(path.join(projectRoot, 'package.json')) as {
  build: BuildConfig;
  main: string;
  homepage?: string;
};

describe('electron-builder configuration', () => {
  it('passes electron-builder’s own schema', async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
      validateConfiguration: (config: unknown, logger: unknown) => Promise<void>;
    };
    const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
    await expect(validateConfiguration(manifest.build, new DebugLogger(false))).resolves.toBeUndefined();
    await expect(validateConfiguration({ ...manifest.build, nonsense: 1 }, new DebugLogger(false))).rejects.toThrow();
  });

  it('ships the Electron SQLite addon and the demo logs where main looks for them, and never rebuilds', () => {
    // electron/main/nativeSqlite.ts reads resources/native; electron/main/index.ts reads resources/demo.
    expect(manifest.build.extraResources).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ from: 'native', to: 'native' }),
        expect.objectContaining({ from: 'resources/demo', to: 'demo' }),
      ]),
    );
    // install-app-deps / npmRebuild would replace the Node build the CLI and tests use.
    expect(manifest.build.npmRebuild).toBe(false);
    expect(manifest.main).toBe('out/main/index.js');
    expect(manifest.build.files).toContain('out/main/**');
    expect(manifest.homepage).toBeTruthy(); // the deb target needs it
  });
});
