import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onFirstReady } from '../../src/platform/on-first-ready.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { unhandledRejectionsDuring } from '../support/unhandled.js';

/**
 * A queue made as Redis came back and closed at once (a shutdown right after the outage ended):
 * BullMQ's close of a queue on a shared connection removed its error listeners while its setup
 * still waited for Redis' INFO, and when the connection was then dropped, the setup's failure
 * was re-emitted with no listener: an unhandled rejection, "Connection is closed.".
 */
describe('onFirstReady with a real BullMQ queue', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('closes a queue made a moment ago without leaving its setup to fail unheard', async () => {
    const unhandled = await unhandledRejectionsDuring(async () => {
      for (let i = 0; i < 5; i++) {
        const connection = new Redis(redis.url, { maxRetriesPerRequest: 1 });
        await new Promise((resolve) => connection.once('ready', resolve));
        // Ready already: the queue is made at once, and its setup sends INFO a moment later.
        const queue = onFirstReady(connection, () => new Queue('close-at-once', { connection }));
        // A shutdown: the close is bounded, and the connection dropped while it is under way.
        const closing = queue.close();
        connection.disconnect();
        await closing;
      }
    });
    expect(unhandled).toEqual([]);
  });
});
