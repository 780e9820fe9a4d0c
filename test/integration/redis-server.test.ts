import { afterAll, describe, expect, it } from 'vitest';
import { PortTaken, redisServerOn, startRedisServer, type RedisServer } from '../../src/platform/redis-server.js';

/** The throwaway redis-server of the tests and of `vigil replay`. */
describe('startRedisServer', () => {
  const started: RedisServer[] = [];
  afterAll(async () => {
    await Promise.all(started.map((s) => s.stop()));
  });

  it('refuses a port another redis-server answers on, rather than share its data', async () => {
    const first = await startRedisServer();
    started.push(first);
    const second = redisServerOn(first.port);
    started.push(second);
    await expect(second.start()).rejects.toBeInstanceOf(PortTaken);
    // Two servers started side by side get a port each.
    const [a, b] = await Promise.all([startRedisServer(), startRedisServer()]);
    started.push(a, b);
    expect(a.port).not.toBe(b.port);
  });
});
