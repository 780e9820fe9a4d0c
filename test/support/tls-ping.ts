/**
 * Run by test/integration/redis-tls.test.ts in a child process, whose NODE_EXTRA_CA_CERTS
 * decides whether the test CA is trusted: opens Vigil's Redis connections to argv[2] and prints
 * PONG through the reads connection, or `unavailable` when they are not up within the wait.
 */
import pino from 'pino';
import { createRedisConnections } from '../../src/platform/redis/redis-connections.js';

const redis = createRedisConnections({ mode: 'single', url: process.argv[2]!, keyPrefix: 't:', timeoutMs: 2000 }, pino({ level: 'silent' }));
const answer = await redis.ready(1500).then(
  () => redis.reads.ping(),
  () => 'unavailable',
);
process.stdout.write(String(answer));
await redis.close();
// ioredis leaves the connect timeout of a connection closed mid-connect running (2 s): do not wait for it.
process.exit(0);
