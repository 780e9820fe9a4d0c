import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CLOSE_TIMEOUT_MS } from '../../src/platform/bounded-close.js';
import type { ListSourceConfig } from '../../src/config.js';
import { createRefreshQueue } from '../../src/intel/refresh-queue.js';
import { refreshSource } from '../../src/intel/refresh-source.js';
import { createRedisConnections, type RedisConnections } from '../../src/platform/redis/redis-connections.js';
import { intelKeys } from '../../src/stores/intel/intel-keys.js';
import { IntelStore } from '../../src/stores/intel/intel-store.js';
import { IpSet } from '../../src/intel/lists/ip-set.js';
import { eventually, startListServer, type ListServer } from '../support/list-server.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { closeAndAwaitEnds, unhandledRejectionsDuring } from '../support/unhandled.js';

/** The refresh job against a real Redis and a local HTTP server standing in for a feed. */

const T0 = Date.UTC(2026, 5, 1, 12);
const keys = intelKeys('t:');
const silent = pino({ level: 'silent' });
/** Vigil's Redis connections to `url`, as the service builds them. */
const connectionsTo = (url: string) => createRedisConnections({ mode: 'single', url, keyPrefix: 't:', timeoutMs: 2000 }, silent);
const source = (p: Partial<ListSourceConfig>): ListSourceConfig => ({ name: 'feed', category: 'abuse', format: 'netset', refreshMinutes: 60, ...p });

describe('IP list refresh', () => {
  let server: TestRedis;
  let redis: Redis;
  let conns: RedisConnections;
  let store: IntelStore;
  let feed: ListServer;
  let dir: string;
  let clock = T0;
  const now = () => clock;

  /** The stored set of `name` as CIDR → first-seen (epoch s). */
  async function stored(name: string): Promise<{ version: number; networks: Record<string, number> }> {
    const s = await store.readSet(name);
    if (!s) return { version: 0, networks: {} };
    const set = IpSet.decode(s.data);
    return { version: s.version, networks: Object.fromEntries(Array.from({ length: set.size }, (_, i) => [set.network(i), set.value(i)])) };
  }

  beforeAll(async () => {
    server = await startTestRedis();
    redis = new Redis(server.url);
    conns = connectionsTo(server.url);
    store = new IntelStore(conns.background, keys);
    feed = await startListServer();
    dir = await mkdtemp(join(tmpdir(), 'vigil-feeds-'));
  });
  afterAll(async () => {
    redis?.disconnect();
    await conns?.close();
    await feed?.close();
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await redis.flushall();
    clock = T0;
  });

  it('fetches a URL source, compiles it and stores it as version 1 with its counts', async () => {
    feed.set('/drop.txt', '; Spamhaus DROP\n1.10.16.0/20 ; SBL1\n2a06:e480::/29 ; SBL2\nnot a network\n203.0.113.0/24\n');
    const spec = source({ url: feed.url('/drop.txt') });
    expect(await refreshSource(spec, store, now)).toEqual({ outcome: 'updated', version: 1 });
    expect(await stored('feed')).toEqual({
      version: 1,
      networks: { '1.10.16.0/20': T0 / 1000, '203.0.113.0/24': T0 / 1000, '2a06:e480::/29': T0 / 1000 },
    });
    expect(await store.state('feed')).toMatchObject({ version: 1, size: 3, skipped: 1, failures: 0, changedAtMs: T0, refreshedAtMs: T0, error: null });
  });

  it('keeps the version of unchanged content; a change makes the next, and known networks keep their first-seen time', async () => {
    feed.set('/list.txt', '198.51.100.0/24\n');
    const spec = source({ url: feed.url('/list.txt') });
    await refreshSource(spec, store, now);
    clock = T0 + 3_600_000;
    expect(await refreshSource(spec, store, now)).toEqual({ outcome: 'unchanged', version: 1 });
    expect(await store.state('feed')).toMatchObject({ version: 1, changedAtMs: T0, refreshedAtMs: clock });

    clock = T0 + 7_200_000;
    feed.set('/list.txt', '198.51.100.0/24\n192.0.2.0/24\n');
    expect(await refreshSource(spec, store, now)).toEqual({ outcome: 'updated', version: 2 });
    expect(await stored('feed')).toEqual({ version: 2, networks: { '192.0.2.0/24': clock / 1000, '198.51.100.0/24': T0 / 1000 } });
  });

  it('a broken source keeps its last good version, counts consecutive failures, and recovers', async () => {
    feed.set('/flaky.txt', '198.51.100.0/24\n');
    const spec = source({ url: feed.url('/flaky.txt') });
    await refreshSource(spec, store, now);

    feed.set('/flaky.txt', 'oops', 500);
    clock += 1000;
    const http500 = await refreshSource(spec, store, now);
    expect(http500).toMatchObject({ outcome: 'failed', version: 1, error: expect.stringContaining('HTTP 500') });

    // An error page served with 200: nothing parses, so it must not empty the list.
    feed.set('/flaky.txt', '<html><body>Service unavailable</body></html>\n');
    const empty = await refreshSource(spec, store, now);
    expect(empty).toMatchObject({ outcome: 'failed', version: 1, error: expect.stringContaining('no network') });

    const unreachable = await refreshSource(source({ name: 'feed', url: 'http://127.0.0.1:1/list.txt' }), store, now);
    expect(unreachable).toMatchObject({ outcome: 'failed', version: 1, error: expect.stringMatching(/cannot fetch http:\/\/127\.0\.0\.1:1\/list\.txt/) });

    expect(await store.state('feed')).toMatchObject({ version: 1, size: 1, failures: 3, errorAtMs: clock, refreshedAtMs: T0 });
    expect((await stored('feed')).networks).toEqual({ '198.51.100.0/24': T0 / 1000 });

    feed.set('/flaky.txt', '198.51.100.0/24\n');
    expect(await refreshSource(spec, store, now)).toEqual({ outcome: 'unchanged', version: 1 });
    // Recovered: no failures, the last error kept for the record.
    expect(await store.state('feed')).toMatchObject({ failures: 0, error: expect.stringContaining('cannot fetch') });
  });

  it('a source that never loaded records its failure at version 0', async () => {
    feed.set('/missing.txt', 'gone', 404);
    expect(await refreshSource(source({ url: feed.url('/missing.txt') }), store, now)).toMatchObject({ outcome: 'failed', version: 0 });
    expect(await store.readSet('feed')).toBeNull();
  });

  it('never repeats the query of a URL (a license key) in errors', async () => {
    const r = await refreshSource(source({ url: 'http://127.0.0.1:1/db?license_key=SECRET' }), store, now);
    expect(r.error).not.toContain('SECRET');
    expect(JSON.stringify(await store.state('feed'))).not.toContain('SECRET');
  });

  it('reads files: a netset, ipsum with minCount, and a MaxMind Anonymous-IP database', async () => {
    await writeFile(join(dir, 'ipsum.txt'), '# IPsum\n185.224.128.17\t10\n45.148.10.81\t2\n45.148.10.82\tmany\n');
    expect(await refreshSource(source({ name: 'ipsum', path: join(dir, 'ipsum.txt'), format: 'ipsum', minCount: 3 }), store, now)).toMatchObject({
      outcome: 'updated',
    });
    expect((await stored('ipsum')).networks).toEqual({ '185.224.128.17/32': T0 / 1000 });
    expect(await store.state('ipsum')).toMatchObject({ size: 1, skipped: 1 });

    const mmdb = 'test/fixtures/maxmind/GeoIP2-Anonymous-IP-Test.mmdb';
    await refreshSource(source({ name: 'vpn', path: mmdb, format: 'mmdb-anonymous', category: 'anonymizer' }), store, now);
    await refreshSource(source({ name: 'hosting', path: mmdb, format: 'mmdb-anonymous', category: 'datacenter' }), store, now);
    expect(Object.keys((await stored('vpn')).networks)).toEqual(
      expect.arrayContaining(['1.2.0.0/16', '65.0.0.0/13', '81.2.69.0/24', '2001:480:3a::/64']),
    );
    expect(Object.keys((await stored('vpn')).networks)).not.toContain('71.160.223.0/24'); // hosting only
    expect(Object.keys((await stored('hosting')).networks).sort()).toEqual(['6.1.0.2/32', '71.160.223.0/24', '81.2.69.0/24']);

    // A file that is not an MMDB is a failure, not a crash.
    await writeFile(join(dir, 'junk.mmdb'), readFileSync(join(dir, 'ipsum.txt')));
    expect(await refreshSource(source({ name: 'junk', path: join(dir, 'junk.mmdb'), format: 'mmdb-anonymous', category: 'anonymizer' }), store, now)).toMatchObject({
      outcome: 'failed',
    });
  });

  it('BullMQ job schedulers refresh each source on its interval, and those of removed sources go', async () => {
    feed.set('/a.txt', '192.0.2.0/24\n');
    // A fraction of a minute, so the test sees two runs; config allows 1 minute and up.
    const spec = source({ name: 'a', url: feed.url('/a.txt'), refreshMinutes: 0.005 });
    const stale = new Queue('intel-refresh', { connection: new Redis(server.url, { maxRetriesPerRequest: null }), prefix: 't:{bull}' });
    await stale.upsertJobScheduler('refresh:removed', { every: 60_000 }, { name: 'refresh', data: { source: 'removed' } });

    const queue = createRefreshQueue({
      redis: conns,
      prefix: 't:{bull}',
      sources: [spec],
      runWorker: true,
      // As IntelFeeds.refresh: null for a source not configured (the removed one's last job).
      refresh: async (name) => (name === spec.name ? refreshSource(spec, store, Date.now) : null),
      logger: pino({ level: 'silent' }),
    });
    try {
      await queue.start();
      expect((await stale.getJobSchedulers()).map((s) => s.key)).toEqual(['refresh:a']);
      await eventually(async () => (await store.state('a')).version === 1, 10_000, 'first scheduled refresh');
      feed.set('/a.txt', '192.0.2.0/24\n198.51.100.0/24\n');
      await eventually(async () => (await store.state('a')).version === 2, 10_000, 'a later scheduled refresh');
      expect(Object.keys((await stored('a')).networks)).toEqual(['192.0.2.0/24', '198.51.100.0/24']);
      expect(await store.state('removed')).toMatchObject({ version: 0, failures: 0 });
    } finally {
      await queue.close();
      await stale.close();
    }
  });

  // BullMQ's close waits for Redis for ever once it has answered, so SIGTERM with Redis down hung.
  it('close returns while Redis is down after it had answered', async () => {
    const gone = await startTestRedis();
    const goneConns = connectionsTo(gone.url);
    const queue = createRefreshQueue({
      redis: goneConns,
      prefix: 't:{bull}',
      sources: [source({ url: feed.url('/never.txt') })],
      runWorker: true,
      refresh: async () => null,
      logger: pino({ level: 'silent' }),
    });
    let timer: NodeJS.Timeout | undefined;
    try {
      await queue.start();
      await gone.stop();
      // Worker and queue get CLOSE_TIMEOUT_MS each; unbounded, close never returned.
      const limit = new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), 3 * CLOSE_TIMEOUT_MS)));
      expect(await Promise.race([queue.close().then(() => 'closed' as const), limit])).toBe('closed');
    } finally {
      clearTimeout(timer);
      await goneConns.close();
      await gone.stop();
    }
  });

  // BullMQ 5 rejected a connection's setup with the last connect error once the client ended,
  // after its close() had dropped the listener: an unhandled rejection (as in the email queue).
  it('closed before Redis ever answered, leaves no unhandled rejection', async () => {
    // A port that resets the first connection, then accepts and never answers: the queue's
    // connection has seen an error and sits mid-handshake when the refresh queue closes.
    const sockets: Socket[] = [];
    let wasReset!: () => void;
    const reset = new Promise<void>((resolve) => (wasReset = resolve));
    let held!: () => void;
    const holding = new Promise<void>((resolve) => (held = resolve));
    let resets = 0;
    const server = createServer((s) => {
      if (resets++ === 0) {
        s.resetAndDestroy();
        wasReset();
        return;
      }
      s.resume(); // read and drop what the client sends, so its end is seen
      sockets.push(s);
      held();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const unhandled = await unhandledRejectionsDuring(async () => {
        const portConns = connectionsTo(`redis://127.0.0.1:${port}`);
        const queue = createRefreshQueue({
          redis: portConns,
          prefix: 't:{bull}',
          sources: [source({ url: feed.url('/never.txt') })],
          runWorker: true,
          refresh: async () => null,
          logger: pino({ level: 'silent' }),
        });
        await reset;
        await holding;
        await closeAndAwaitEnds(async () => {
          await queue.close();
          await portConns.close();
        }, sockets);
      });
      expect(unhandled).toEqual([]);
    } finally {
      for (const s of sockets) s.destroy();
      server.close();
    }
  });
});
