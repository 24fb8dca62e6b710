import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

const root = dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve(root, 'electron/main/index.ts'),
          // The case is served from a worker thread (serviceThread.ts); imports parse in another
          // (parsePipeline.ts) and checkpoint in a third (walCheckpointer.ts). Each loads its own
          // entry file from this folder (workerEntry.ts).
          serviceWorker: resolve(root, 'electron/core/serviceWorker.ts'),
          parseWorker: resolve(root, 'electron/core/ingest/parseWorker.ts'),
          checkpointWorker: resolve(root, 'electron/core/case/checkpointWorker.ts'),
        },
      },
      // better-sqlite3 is a native addon: it stays a runtime dependency, never bundled.
      externalizeDeps: true,
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(root, 'electron/preload/index.ts') },
        // A sandboxed preload can require only `electron`: one CommonJS file, zod bundled in.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
      externalizeDeps: { exclude: ['zod'] },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    base: './',
    plugins: [react()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      minify: true,
      rollupOptions: { input: resolve(root, 'renderer/index.html') },
    },
  },
});
