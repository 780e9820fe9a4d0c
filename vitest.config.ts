import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Two cores: integration files each start their own redis-server; keep the pool small.
    maxWorkers: 2,
    // The Redis outage test stops its own loopback redis-server on purpose. A library client
    // (BullMQ's connections, seen intermittently under load) can then reject a reconnect
    // attempt where nothing awaits it. Only that refusal is tolerated; every other unhandled
    // error still fails the run. Returning false tells vitest to ignore the error.
    onUnhandledError(error) {
      const e = error as Error & { code?: string; address?: string };
      if (e.code === 'ECONNREFUSED' && e.address === '127.0.0.1') return false;
    },
  },
});
