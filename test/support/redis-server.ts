import { Redis } from 'ioredis';
import { freePort } from '../../src/platform/free-port.js';
import { startRedisServer } from '../../src/platform/redis-server.js';

export { freePort };

/**
 * A throwaway `redis-server` on a free loopback port, owned by the test that starts it
 * (src/platform/redis-server.ts, which `vigil replay` uses too). Tests never touch the Redis on
 * 6379: it may hold someone's data.
 */
export interface TestRedis {
  port: number;
  url: string;
  /** Stop the server (SIGTERM) and wait until it exited. */
  stop(): Promise<void>;
  /** Start it again on the same port, empty. */
  start(): Promise<void>;
  /** A fresh client, for assertions. */
  client(): Redis;
}

export async function startTestRedis(): Promise<TestRedis> {
  const server = await startRedisServer({ debugCommand: true });
  const clients: Redis[] = [];
  return {
    port: server.port,
    url: server.url,
    start: server.start,
    async stop() {
      for (const c of clients.splice(0)) c.disconnect();
      await server.stop();
    },
    client() {
      const c = new Redis({ port: server.port, host: '127.0.0.1', maxRetriesPerRequest: 1 });
      c.on('error', () => {});
      clients.push(c);
      return c;
    },
  };
}
