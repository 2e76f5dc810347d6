import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/helpers/pglite-template.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Most files wait on child processes, browsers and databases rather than compute: three at a
    // time keeps a 2-core CI machine busy (vitest's default, cores - 1, runs them one by one there).
    maxWorkers: 3,
  },
});
