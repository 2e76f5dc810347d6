import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

// Files that take a minute or more on CI (child processes and restarts, a Java verifier, the demo's
// first start). Without a results cache (a fresh clone) vitest runs larger files first, and these
// are short files: they would start last and run alone at the end. They start first instead.
const LONG_FIRST = [
  'tests/reliability/server-crash',
  'tests/interop/',
  'tests/reliability/rollback',
  'tests/demo/demo-history',
  'tests/store/audit',
  'tests/exports/export-command',
  'tests/custody/concurrency',
  'tests/reliability/',
  'tests/simulator/',
  'tests/devices/gateway.test',
  'tests/security/fuzz-http-routes',
];

class LongFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => {
      const i = LONG_FIRST.findIndex((prefix) => f.moduleId.includes(`/${prefix}`));
      return i < 0 ? LONG_FIRST.length : i;
    };
    const sorted = await super.sort(files);
    return sorted.map((f, i) => ({ f, i, r: rank(f) })).sort((a, b) => a.r - b.r || a.i - b.i).map((x) => x.f);
  }
}

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/helpers/pglite-template.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Files share a worker's module cache: the server's modules are loaded once per worker, not
    // once per file (300 s of CPU summed over a run). No test mocks modules or changes the
    // environment in place, so nothing carries over but what is cached.
    isolate: false,
    // Most files wait on child processes, browsers and databases rather than compute: three at a
    // time keeps a 2-core CI machine busy (vitest's default, cores - 1, runs them one by one there).
    maxWorkers: 3,
    sequence: { sequencer: LongFirst },
  },
});
