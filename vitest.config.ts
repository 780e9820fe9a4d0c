import { defineConfig } from 'vitest/config';

/** Smoke runs of the bench scripts: slow (whole servers under load), so a project of their own. */
const BENCH_SMOKE = ['test/bench/*-smoke.test.ts'];

export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Two cores: integration files each start their own redis-server; keep the pool small.
    maxWorkers: 2,
    projects: [
      // `npm test`: unit, integration and HTTP suites. Files share their worker's module cache
      // (no test mocks modules or keeps state in them): 41 s of re-imports become 6.
      { extends: true, test: { name: 'main', include: ['test/**/*.test.ts'], exclude: BENCH_SMOKE, isolate: false } },
      // `npm run test:bench`: the bench scripts end to end, as `npm run bench` runs them.
      { extends: true, test: { name: 'bench', include: BENCH_SMOKE, testTimeout: 180_000 } },
    ],
  },
});
