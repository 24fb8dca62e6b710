import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
    environment: 'node',
    // Builds out/node first: the parse worker runs built code (tests/helpers/buildNode.ts).
    globalSetup: ['tests/helpers/buildNode.ts'],
    testTimeout: 30_000,
    // better-sqlite3 is a native addon: forks isolate it more safely than threads.
    pool: 'forks',
  },
});
