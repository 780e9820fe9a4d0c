import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createKeys } from '../../src/history/keys.js';
import type { HistoryEntry } from '../../src/history/snapshot.js';
import { HistoryStore, type AssessmentRecord } from '../../src/history/store.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 5, 1, 12);
const limits = { deviceTrustDays: 30, historyRetentionDays: 365, maxDevices: 5, maxUserAgents: 3, failureWindowHours: 24 };
const keys = createKeys('t:');

function entry(over: Partial<HistoryEntry> = {}): HistoryEntry {
  return { deviceHash: 'dev1', uaFamily: 'Chrome/Windows', location: null, atMs: T0, ...over };
}

describe('HistoryStore on a real Redis', () => {
  let server: TestRedis;
  let redis: Redis;
  let store: HistoryStore;

  beforeAll(async () => {
    server = await startTestRedis();
    redis = new Redis(server.url, { enableAutoPipelining: true });
    store = new HistoryStore(redis, keys, limits);
  });
  afterAll(async () => {
    redis.disconnect();
    await server.stop();
  });
  beforeEach(async () => {
    await redis.flushall();
  });

  it('loads an unknown user as not known, with empty maps', async () => {
    const { history, ipFailures } = await store.load('nobody', '198.51.100.1', T0);
    expect(history.known).toBe(false);
    expect(history.devices.size).toBe(0);
    expect(history.lastLocation).toBeNull();
    expect(ipFailures).toBe(0);
  });

  it('commits a login and loads it back, location and all, with a TTL on the key', async () => {
    const location = { lat: 51.5143, lon: -0.0912, accuracyKm: 10, atMs: T0, country: 'GB', city: 'London|City' };
    await store.commit('u1', entry({ location }));
    const { history } = await store.load('u1', null, T0);
    expect(history.known).toBe(true);
    expect(history.devices.get('dev1')).toBe(T0);
    expect(history.userAgents.get('Chrome/Windows')).toBe(T0);
    // The separator in a city name is neutralised, not allowed to shift fields.
    expect(history.lastLocation).toEqual({ ...location, city: 'London City' });
    expect(history.lastLoginMs).toBe(T0);
    const ttl = await redis.ttl(keys.user('u1'));
    expect(ttl).toBeGreaterThan(364 * 86_400);
    expect(ttl).toBeLessThanOrEqual(365 * 86_400);
  });

  it('keeps the newest location when an older login is committed later (back-fill)', async () => {
    const newer = { lat: 35.69, lon: 139.77, accuracyKm: null, atMs: T0, country: 'JP', city: 'Tokyo' };
    const older = { lat: 51.5, lon: -0.09, accuracyKm: null, atMs: T0 - DAY, country: 'GB', city: 'London' };
    await store.commit('u1', entry({ location: newer }));
    await store.commit('u1', entry({ location: older, atMs: T0 - DAY }));
    const { history } = await store.load('u1', null, T0);
    expect(history.lastLocation?.country).toBe('JP');
    expect(history.devices.get('dev1')).toBe(T0);
  });

  it('trims devices older than the trust window, measured from the latest login', async () => {
    await store.commit('u1', entry({ deviceHash: 'old', atMs: T0 - 31 * DAY }));
    await store.commit('u1', entry({ deviceHash: 'recent', atMs: T0 - 29 * DAY }));
    await store.commit('u1', entry({ deviceHash: 'now', atMs: T0 }));
    const { history } = await store.load('u1', null, T0);
    expect([...history.devices.keys()].sort()).toEqual(['now', 'recent']);
  });

  it('caps devices and user agents at the configured counts, dropping the oldest', async () => {
    for (let i = 0; i < 12; i++) {
      await store.commit('u1', entry({ deviceHash: `d${i}`, uaFamily: `UA${i}/X`, atMs: T0 + i * 1000 }));
    }
    const { history } = await store.load('u1', null, T0);
    expect([...history.devices.keys()].sort()).toEqual(['d10', 'd11', 'd7', 'd8', 'd9']);
    expect([...history.userAgents.keys()].sort()).toEqual(['UA10/X', 'UA11/X', 'UA9/X']);
    // The footprint stays a compact listpack.
    expect(await redis.object('ENCODING', keys.user('u1'))).toBe('listpack');
  });

  it('loses nothing when 50 commits for one user run in parallel', async () => {
    const wide = new HistoryStore(redis, keys, { ...limits, maxDevices: 100 });
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => wide.commit('u1', entry({ deviceHash: `p${i}`, atMs: T0 + i * 1000 }))),
    );
    const { history } = await wide.load('u1', null, T0);
    expect(history.devices.size).toBe(50);
    expect(history.lastLoginMs).toBe(T0 + 49_000);
  });

  it('counts IP failures in hourly buckets and forgets them after the window', async () => {
    for (let i = 0; i < 3; i++) await store.recordIpFailure('198.51.100.7', T0);
    expect(await store.recordIpFailure('198.51.100.7', T0 + 2 * 3_600_000)).toBe(4);
    expect((await store.load('u1', '198.51.100.7', T0 + 2 * 3_600_000)).ipFailures).toBe(4);
    // 25 hours on, the first three are outside the 24 h window.
    expect((await store.load('u1', '198.51.100.7', T0 + 25 * 3_600_000)).ipFailures).toBe(1);
    expect(await redis.ttl(keys.ipFailures('198.51.100.7'))).toBeGreaterThan(0);
  });

  it('saves an assessment with a 10-minute TTL and lets it be claimed exactly once', async () => {
    const record: AssessmentRecord = {
      id: 'a1',
      userId: 'u1',
      application: 'default',
      clientId: 'web',
      action: 'allow',
      entry: entry(),
      createdAtMs: T0,
    };
    await store.saveAssessment(record, false);
    const ttl = await redis.ttl(keys.assessment('a1'));
    expect(ttl).toBeGreaterThan(590);
    expect(ttl).toBeLessThanOrEqual(600);
    expect((await store.load('u1', null, T0)).history.known).toBe(false);

    // Another client's claim sees nothing and takes nothing.
    expect(await store.claimAssessment('a1', 'ropg')).toEqual({ ok: false, reason: 'missing' });
    const claims = await Promise.all([store.claimAssessment('a1', 'web'), store.claimAssessment('a1', 'web')]);
    expect(claims.filter((c) => c.ok)).toHaveLength(1);
    expect(claims.find((c) => !c.ok)).toEqual({ ok: false, reason: 'already_committed' });
    expect(await store.claimAssessment('missing', 'web')).toEqual({ ok: false, reason: 'missing' });
  });

  it('commits in the same round trip as saving when asked to', async () => {
    const record: AssessmentRecord = {
      id: 'a2',
      userId: 'u2',
      application: 'default',
      clientId: 'web',
      action: 'allow',
      entry: entry({ deviceHash: 'dz' }),
      createdAtMs: T0,
    };
    await store.saveAssessment(record, true);
    expect((await store.load('u2', null, T0)).history.devices.has('dz')).toBe(true);
    expect(await store.claimAssessment('a2', 'web')).toEqual({ ok: false, reason: 'already_committed' });
    expect(await store.claimAssessment('a2', 'ropg')).toEqual({ ok: false, reason: 'missing' });
  });

  it('keeps a record committed at once without its JSON: client and mark only', async () => {
    const record: AssessmentRecord = {
      id: 'a3',
      userId: 'u3',
      application: 'default',
      clientId: 'web',
      action: 'allow',
      entry: entry(),
      createdAtMs: T0,
    };
    await store.saveAssessment(record, true);
    expect(await redis.hgetall(keys.assessment('a3'))).toEqual({ client: 'web', committed: '1' });
    expect(await redis.ttl(keys.assessment('a3'))).toBeGreaterThan(590);
  });

  it('still claims a record saved before records carried their client', async () => {
    const record: AssessmentRecord = {
      id: 'a4',
      userId: 'u4',
      application: 'default',
      clientId: 'web',
      action: 'allow',
      entry: entry(),
      createdAtMs: T0,
    };
    await redis.hset(keys.assessment('a4'), 'data', JSON.stringify(record));
    expect(await store.claimAssessment('a4', 'ropg')).toEqual({ ok: false, reason: 'missing' });
    expect(await store.claimAssessment('a4', 'web')).toEqual({ ok: true, record });
    expect(await store.claimAssessment('a4', 'web')).toEqual({ ok: false, reason: 'already_committed' });
  });
});
