import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    // better-sqlite3 is a native addon: forks isolate it more safely than threads.
    pool: 'forks',
  },
});
