import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis } from '../../src/history/redis.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';

/** The request connection's write coalescing (`src/history/redis.ts`), as Redis sees it. */
describe('createRedis on a real Redis', () => {
  let server: TestRedis;
  let observer: Redis;
  const logger = pino({ level: 'silent' });

  beforeAll(async () => {
    server = await startTestRedis();
    observer = new Redis(server.url);
  });
  afterAll(async () => {
    observer.disconnect();
    await server.stop();
  });

  /** Redis's socket reads while `n` GETs issued in one turn of the event loop are answered. */
  async function readsFor(client: Redis, n: number): Promise<number> {
    const reads = async () => Number(/total_reads_processed:(\d+)/.exec(await observer.info('stats'))?.[1]);
    const before = await reads();
    const answers = await Promise.all(Array.from({ length: n }, (_, i) => client.get(`k${i}`)));
    expect(answers).toEqual(Array(n).fill(null));
    // One read is the observer's own INFO.
    return (await reads()) - before - 1;
  }

  it('sends the commands of one event-loop turn in one write, each with its own answer', async () => {
    const client = createRedis({ url: server.url, timeoutMs: 1000, logger });
    try {
      // The request connection fails fast while not connected: wait for it.
      if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
      expect(await readsFor(client, 200)).toBe(1);
    } finally {
      client.disconnect();
    }
  });

  it('writes command by command on a background connection', async () => {
    const client = createRedis({ url: server.url, timeoutMs: 1000, logger, queueWhileOffline: true });
    try {
      await client.ping();
      expect(await readsFor(client, 200)).toBeGreaterThan(1);
    } finally {
      client.disconnect();
    }
  });
});
