import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/list-server.js';
import { freePort, startTestRedis, type TestRedis } from '../support/redis-server.js';

/**
 * Item 15 (docs/operations.md, "Redis faults"): on SIGTERM the listener closed at once, so
 * requests a load balancer still routed there were refused. Now the process reports not ready
 * for `VIGIL_SHUTDOWN_GRACE_MS` while it keeps serving, then drains and exits. The real
 * `src/main.ts`, in a process of its own, over a real socket.
 */
describe('15. shutdown had no not-ready phase', () => {
  let redis: TestRedis;
  let vigil: ChildProcess | null = null;

  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    vigil?.kill('SIGKILL');
    await redis?.stop();
  });

  it('on SIGTERM answers /health/ready 503 shutting_down and keeps serving for the grace period, then exits 0', async () => {
    const port = await freePort();
    const GRACE_MS = 800;
    vigil = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        HOST: '127.0.0.1',
        PORT: String(port),
        REDIS_URL: redis.url,
        LOG_LEVEL: 'silent',
        VIGIL_DEVICE_SECRET: 'x'.repeat(32),
        VIGIL_SHUTDOWN_GRACE_MS: String(GRACE_MS),
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => vigil!.once('exit', (code) => resolve(code)));
    const url = (path: string) => `http://127.0.0.1:${port}${path}`;
    await eventually(async () => (await fetch(url('/health/ready')).catch(() => null))?.status === 200, 30_000, 'vigil to start');

    const signalledAt = performance.now();
    vigil.kill('SIGTERM');
    await eventually(async () => (await fetch(url('/health/ready'))).status === 503, 1000, 'not ready');
    // Was: connection refused from the signal on.
    const ready = await fetch(url('/health/ready'));
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'shutting_down' });
    expect((await fetch(url('/health/live'))).status).toBe(200);

    expect(await exited).toBe(0);
    vigil = null;
    expect(performance.now() - signalledAt).toBeGreaterThanOrEqual(GRACE_MS - 50);
    await expect(fetch(url('/health/live'))).rejects.toThrow();
  });
});
