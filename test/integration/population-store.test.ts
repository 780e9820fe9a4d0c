import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/platform/metrics/metrics.js';
import { createRedisConnections, type RedisConnections } from '../../src/platform/redis/redis-connections.js';
import type { LoginFeatures } from '../../src/risk/familiarity/features.js';
import { NO_FEATURES } from '../../src/risk/familiarity/features.js';
import { PopulationCounts } from '../../src/risk/familiarity/population-counts.js';
import { startPopulationSync } from '../../src/risk/population-sync.js';
import { populationKeys } from '../../src/stores/population/population-keys.js';
import { PopulationStore } from '../../src/stores/population/population-store.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';

/** The familiarity model's population counts shared through Redis (docs/risk-model.md §7). */

const login = (asn: string, country: string): LoginFeatures => ({
  ...NO_FEATURES,
  asn: { key: `k${asn}`, population: asn },
  country: { key: country, population: country },
});

describe('population counts in Redis', () => {
  let server: TestRedis;
  let conns: RedisConnections;
  const logger = pino({ level: 'silent' });

  beforeAll(async () => {
    server = await startTestRedis();
    conns = createRedisConnections({ mode: 'single', url: server.url, keyPrefix: 'p:', timeoutMs: 2000 }, logger);
    await conns.ready(5000);
  });
  afterAll(async () => {
    await conns.close();
    await server.stop();
  });

  const store = (maxValuesPerFeature = 100) => new PopulationStore(conns.background, populationKeys('p:'), { maxValuesPerFeature, timeoutMs: 2000 });

  it('two instances see each other\'s logins after a merge, and never count one twice', async () => {
    const a = new PopulationCounts(100);
    const b = new PopulationCounts(100);
    a.record(login('3320', 'DE'));
    a.record(login('3320', 'DE'));
    b.record(login('16276', 'FR'));
    for (const counts of [a, b, a]) {
      const sent = counts.pending();
      counts.merged(sent, await store().merge(sent));
    }
    for (const counts of [a, b]) {
      expect(counts.total).toBe(3);
      expect(counts.count('asn', '3320')).toBe(2);
      expect(counts.count('country', 'FR')).toBe(1);
    }
    const r = server.client();
    expect(await r.get('p:{pop}:n')).toBe('3');
    expect(await r.hgetall('p:{pop}:c:asn')).toEqual({ '3320': '2', '16276': '1' });
  });

  it('bounds each feature hash: a value new to a full hash counts only in the total', async () => {
    await server.client().flushall();
    const counts = new PopulationCounts(100);
    for (const asn of ['1', '2', '3']) counts.record(login(asn, 'DE'));
    const shared = await store(2).merge(counts.pending());
    expect(shared.total).toBe(3);
    expect([...shared.counts.get('asn')!.keys()].sort()).toEqual(['1', '2']);
  });

  it('merges in the background at once and then every interval; a failed merge keeps the counts for the next', async () => {
    await server.client().flushall();
    const metrics = createMetrics();
    const counts = new PopulationCounts(100);
    counts.record(login('3320', 'DE'));
    const sync = startPopulationSync({ counts, store: store(), intervalMs: 3_600_000, logger, metrics });
    try {
      await sync.merge();
      expect(await server.client().get('p:{pop}:n')).toBe('1');
      expect(counts.pending().total).toBe(0);
      await server.stop();
      counts.record(login('3320', 'DE'));
      await expect(sync.merge()).rejects.toThrow();
      expect(counts.total).toBe(2);
      expect(counts.pending().total).toBe(1);
      await server.start();
      await conns.ready(5000);
      await sync.merge();
      expect(await server.client().get('p:{pop}:n')).toBe('1');
    } finally {
      sync.stop();
    }
  });
});
