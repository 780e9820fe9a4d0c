import { NO_FEATURES } from '../../src/risk/familiarity/features.js';
import { extractFeatures } from '../../src/risk/familiarity/extract-features.js';
import { createFeatureHasher } from '../../src/risk/familiarity/feature-hasher.js';
import { FEATURES } from '../../src/risk/familiarity/features.js';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { HistoryEntry, HistorySnapshot } from '../../src/risk/history/snapshot.js';
import { createRedisConnections, type RedisConnections } from '../../src/platform/redis/redis-connections.js';
import type { RequestPorts } from '../../src/platform/redis/redis-port.js';
import { commitLogin, type SeenAtLoad } from '../../src/risk/commit-login.js';
import { loadLogin } from '../../src/risk/load-login.js';
import { historyKeys } from '../../src/stores/history/history-keys.js';
import { HistoryStore, type LoginToCommit } from '../../src/stores/history/history-store.js';
import { mayNeedTrim, type HistoryLimits } from '../../src/stores/history/user-hash.js';
import { mfaKeys } from '../../src/stores/mfa/mfa-keys.js';
import { pendingKeys } from '../../src/stores/pending/pending-keys.js';
import { PendingAssessments, type AssessmentRecord } from '../../src/stores/pending/pending-assessments.js';
import { trafficKeys } from '../../src/stores/traffic/traffic-keys.js';
import { TrafficStore, type TrafficLimits } from '../../src/stores/traffic/traffic-store.js';
import { MAX_ACCOUNTS_PER_IP } from '../../src/stores/traffic/traffic-windows.js';
import { accountHash } from '../../src/risk/context/account-hash.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 5, 1, 12);
const HOUR = 3_600_000;
const traffic = {
  failedLoginsThreshold: 5,
  windowHours: 24,
  distinctAccountsThreshold: 3,
  distinctAccountsWindowMinutes: 60,
  accountFailuresThreshold: 10,
};
const familiarity = { maxValuesPerFeature: 8, windowDays: 180, maxPlaces: 6, mergeKm: 50 };
const limits = { deviceTrustDays: 30, historyRetentionDays: 365, maxDevices: 5, maxUserAgents: 3, traffic, accountSecret: 's'.repeat(32), familiarity };
const keys = { ...historyKeys('t:'), ...trafficKeys('t:'), ...pendingKeys('t:') };

function entry(over: Partial<HistoryEntry> = {}): HistoryEntry {
  return { deviceHash: 'dev1', uaFamily: 'Chrome/Windows', location: null, atMs: T0, features: NO_FEATURES, ...over };
}

/**
 * The history, traffic and pending-assessment stores over one pair of request connections,
 * with the service's load and commit (`loadLogin`, `commitLogin`) composing them as the
 * assessment does.
 */
function storesOver(redis: RequestPorts, l: HistoryLimits & TrafficLimits = limits) {
  const opts = { timeoutMs: 2000 };
  const history = new HistoryStore(redis, historyKeys('t:'), mfaKeys('t:'), l, opts);
  const trafficStore = new TrafficStore(redis, trafficKeys('t:'), l, opts);
  const pending = new PendingAssessments(redis.writes, pendingKeys('t:'), opts);
  const stores = { history, traffic: trafficStore };
  return {
    load: (userId: string, ip: string | null, atMs: number) => loadLogin(stores, { userId, ip, browser: null }, atMs),
    commit: (r: LoginToCommit & { ip: string | null }) => commitLogin(stores, r),
    commitAssessed: (r: LoginToCommit & { ip: string | null }, seen: SeenAtLoad) => commitLogin(stores, r, seen),
    recordFailure: (ip: string, account: string | null, atMs: number) => trafficStore.recordFailure(ip, account, atMs),
    countFlagged: (nowMs: number) => trafficStore.countFlagged(nowMs),
    ipTraffic: (ip: string, atMs: number) => trafficStore.ipTraffic(ip, atMs),
    savePending: (r: AssessmentRecord) => pending.save(r),
    claimAssessment: (id: string, clientId: string) => pending.claim(id, clientId),
  };
}

describe('HistoryStore on a real Redis', () => {
  let server: TestRedis;
  let conn: RedisConnections;
  let redis: Redis;
  let store: ReturnType<typeof storesOver>;

  beforeAll(async () => {
    server = await startTestRedis();
    // The stores' own connections, as they run in production; an ioredis client to look.
    conn = createRedisConnections({ mode: 'single', url: server.url, keyPrefix: 't:', timeoutMs: 2000 }, pino({ level: 'silent' }));
    await conn.ready(5000);
    redis = server.client();
    store = storesOver(conn);
  });
  afterAll(async () => {
    await conn.close();
    await server.stop();
  });
  beforeEach(async () => {
    await redis.flushall();
  });

  /** A user hash's fields: the familiarity's (`f0`, `f1`, …) and the others. */
  const hashFields = async (key: string) => {
    const all = await redis.hkeys(key);
    const familiarity = all.filter((f) => /^f\d+$/.test(f)).length;
    return { history: all.length - familiarity, familiarity };
  };

  it('bounds per-user data under 1,000 logins of one user: the hash, the profile and the places stop growing', async () => {
    // A user who roams: every login from a new address, network and city, a new browser build
    // every tenth, a new cookie every fifth, each assessed over what the last load saw.
    const hash = createFeatureHasher('s'.repeat(32), 'roamer');
    const login = (i: number): HistoryEntry => {
      const ip = `${20 + (i % 200)}.${i % 250}.${(i * 7) % 250}.${i % 200}`;
      const features = extractFeatures(
        {
          ip,
          family: 4,
          asn: 1000 + (i % 300),
          country: ['GB', 'FR', 'DE', 'JP', 'US'][i % 5]!,
          city: `City ${i % 40}`,
          userAgent: `Mozilla/5.0 Chrome/${100 + Math.floor(i / 10)}.0`,
          ua: { browser: `Chrome ${100 + Math.floor(i / 10)}`, os: 'Windows', deviceType: 'desktop' },
          deviceHash: `cookie${Math.floor(i / 5)}`.padEnd(22, 'x'),
        },
        hash,
      );
      const location = { lat: -60 + (i % 120), lon: -170 + ((i * 13) % 340), accuracyKm: 50, atMs: T0 + i * 3_600_000, country: 'GB', city: 'X' };
      return { deviceHash: `cookie${Math.floor(i / 5)}`, uaFamily: 'Chrome/Windows', location, atMs: T0 + i * 3_600_000, features };
    };
    const sizes: number[] = [];
    const usage = async () => Number(await redis.memory('USAGE', 't:{u:roamer}', 'SAMPLES', '0'));
    for (let i = 0; i < 1000; i++) {
      const { history } = await store.load('roamer', null, T0);
      await store.commitAssessed({ userId: 'roamer', entry: login(i), ip: null }, { history, accountFailures: 0 });
      if (i === 299 || i === 999) sizes.push(await usage());
    }
    const { history } = await store.load('roamer', null, T0);
    expect(history.profile.logins).toBe(1000);
    for (const f of FEATURES) expect(history.profile.values[f].length).toBeLessThanOrEqual(familiarity.maxValuesPerFeature);
    expect(history.places.length).toBeLessThanOrEqual(familiarity.maxPlaces);
    const { history: fields, familiarity: parts } = await hashFields('t:{u:roamer}');
    expect(fields).toBeLessThanOrEqual(3 + limits.maxDevices + limits.maxUserAgents);
    // The familiarity in 64-character parts and the empty one that ends it: under 1 KB of base64.
    expect(parts).toBeLessThanOrEqual(Math.ceil(((1024 / 3) * 4) / 64) + 1);
    // The hash stays a compact listpack: no field is longer than 64 bytes.
    expect(await redis.object('ENCODING', 't:{u:roamer}')).toBe('listpack');
    // Flat in history length: no bigger after 1,000 logins than after 300 (a few bytes of counts aside).
    expect(sizes[1]!).toBeLessThanOrEqual(sizes[0]! + 32);
    expect(sizes[1]!).toBeLessThan(1536);
  });

  it('loads an unknown user as not known, with empty maps', async () => {
    const { history, traffic: counts } = await store.load('nobody', '198.51.100.1', T0);
    expect(history.known).toBe(false);
    expect(history.devices.size).toBe(0);
    expect(history.lastLocation).toBeNull();
    expect(counts).toEqual({ failedLogins: 0, distinctAccounts: 0, accountFailures: 0 });
    expect((await store.load('nobody', null, T0)).traffic).toBeNull();
  });

  it('commits a login and loads it back, location and all, with a TTL on the key', async () => {
    const location = { lat: 51.5143, lon: -0.0912, accuracyKm: 10, atMs: T0, country: 'GB', city: 'London|City' };
    await store.commit({ userId: 'u1', entry: entry({ location }), ip: null });
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
    await store.commit({ userId: 'u1', entry: entry({ location: newer }), ip: null });
    await store.commit({ userId: 'u1', entry: entry({ location: older, atMs: T0 - DAY }), ip: null });
    const { history } = await store.load('u1', null, T0);
    expect(history.lastLocation?.country).toBe('JP');
    expect(history.devices.get('dev1')).toBe(T0);
  });

  it('trims devices older than the trust window, measured from the latest login', async () => {
    await store.commit({ userId: 'u1', entry: entry({ deviceHash: 'old', atMs: T0 - 31 * DAY }), ip: null });
    await store.commit({ userId: 'u1', entry: entry({ deviceHash: 'recent', atMs: T0 - 29 * DAY }), ip: null });
    await store.commit({ userId: 'u1', entry: entry({ deviceHash: 'now', atMs: T0 }), ip: null });
    const { history } = await store.load('u1', null, T0);
    expect([...history.devices.keys()].sort()).toEqual(['now', 'recent']);
  });

  it('caps devices and user agents at the configured counts, dropping the oldest', async () => {
    for (let i = 0; i < 12; i++) {
      await store.commit({ userId: 'u1', entry: entry({ deviceHash: `d${i}`, uaFamily: `UA${i}/X`, atMs: T0 + i * 1000 }), ip: null });
    }
    const { history } = await store.load('u1', null, T0);
    expect([...history.devices.keys()].sort()).toEqual(['d10', 'd11', 'd7', 'd8', 'd9']);
    expect([...history.userAgents.keys()].sort()).toEqual(['UA10/X', 'UA11/X', 'UA9/X']);
    // The footprint stays a compact listpack.
    expect(await redis.object('ENCODING', keys.user('u1'))).toBe('listpack');
  });

  it('loses nothing when 50 commits for one user run in parallel', async () => {
    const wide = storesOver(conn, { ...limits, maxDevices: 100 });
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => wide.commit({ userId: 'u1', entry: entry({ deviceHash: `p${i}`, atMs: T0 + i * 1000 }), ip: null })),
    );
    const { history } = await wide.load('u1', null, T0);
    expect(history.devices.size).toBe(50);
    expect(history.lastLoginMs).toBe(T0 + 49_000);
  });

  it('counts IP failures in hourly buckets and forgets them after the window', async () => {
    const ip = '198.51.100.7';
    for (let i = 0; i < 3; i++) await store.recordFailure(ip, null, T0);
    expect((await store.recordFailure(ip, null, T0 + 2 * HOUR)).counts.failedLogins).toBe(4);
    expect((await store.load('u1', ip, T0 + 2 * HOUR)).traffic?.failedLogins).toBe(4);
    // 25 hours on, the first three are outside the 24 h window.
    expect((await store.load('u1', ip, T0 + 25 * HOUR)).traffic?.failedLogins).toBe(1);
    expect(await redis.ttl(keys.ipFailures(ip))).toBeGreaterThan(0);
    // Without an account, nothing is kept per account.
    expect(await redis.exists(keys.ipAccountFailures(ip))).toBe(0);
  });

  it('flags an IP at the failed-logins threshold until its oldest failures leave the window', async () => {
    const ip = '198.51.100.8';
    for (let i = 0; i < 3; i++) expect((await store.recordFailure(ip, null, T0)).flaggedUntilMs).toBeNull();
    expect((await store.recordFailure(ip, null, T0 + 2 * HOUR)).flaggedUntilMs).toBeNull();
    // The fifth failure reaches 5; dropping the first hour's three takes it under 5 again.
    const { counts, flaggedUntilMs } = await store.recordFailure(ip, null, T0 + 2 * HOUR);
    expect(counts.failedLogins).toBe(5);
    expect(flaggedUntilMs).toBe((Math.floor(T0 / HOUR) + 24) * HOUR);
    expect(await store.countFlagged(T0 + 3 * HOUR)).toBe(1);
    expect((await store.ipTraffic(ip, T0 + 3 * HOUR)).flaggedUntilMs).toBe(flaggedUntilMs);
    // Once the flag lapsed it is dropped from the set and no longer reported.
    expect((await store.ipTraffic(ip, flaggedUntilMs! + 1)).flaggedUntilMs).toBeNull();
    expect(await store.countFlagged(flaggedUntilMs! + 1)).toBe(0);
  });

  it('counts distinct accounts per IP in a sliding hour, and flags the IP until the count can fall under the threshold', async () => {
    const ip = '198.51.100.9';
    const at = Date.UTC(2026, 5, 1, 12, 0, 30); // 30 s into a 10-minute bucket
    await store.recordFailure(ip, 'alice', at);
    await store.recordFailure(ip, 'alice', at + 60_000);
    expect((await store.recordFailure(ip, 'bob', at + 20 * 60_000)).counts.distinctAccounts).toBe(2);
    const third = await store.recordFailure(ip, 'carol', at + 30 * 60_000);
    expect(third.counts).toEqual({ failedLogins: 4, distinctAccounts: 3, accountFailures: 1 });
    // alice's bucket (12:00) leaves the window at 13:00, leaving bob and carol: 2 < 3.
    expect(third.flaggedUntilMs).toBe(Date.UTC(2026, 5, 1, 13, 0));
    const load = (ms: number) => store.load('dave', ip, ms).then((r) => r.traffic?.distinctAccounts);
    expect(await load(Date.UTC(2026, 5, 1, 12, 59))).toBe(3);
    expect(await load(Date.UTC(2026, 5, 1, 13, 0))).toBe(2);
    expect(await load(Date.UTC(2026, 5, 1, 13, 40))).toBe(0);
    // Bounded memory: one HyperLogLog per 10-minute bucket, each expiring after the window.
    const hll = keys.ipAccounts(ip, Math.floor(at / 600_000));
    expect(await redis.ttl(hll)).toBeGreaterThan(0);
    expect(await redis.ttl(hll)).toBeLessThanOrEqual(70 * 60);
  });

  it('keeps an IP\'s failures hash at least as long as its account counters, so its existence tells the load whether to read them', async () => {
    // A distinct-accounts window (a day) far longer than the failures window (an hour).
    const skewed = storesOver(conn, { ...limits, traffic: { ...traffic, windowHours: 1, distinctAccountsWindowMinutes: 1440 } });
    const ip = '198.51.100.33';
    await skewed.recordFailure(ip, 'alice', T0);
    const [failuresTtl, hllTtl] = await Promise.all([redis.ttl(keys.ipFailures(ip)), redis.ttl(keys.ipAccounts(ip, Math.floor(T0 / 1000 / (1440 * 10))))]);
    expect(hllTtl).toBeGreaterThan(2 * 3600);
    expect(failuresTtl).toBeGreaterThanOrEqual(hllTtl);
    expect(await redis.ttl(keys.ipAccountFailures(ip))).toBeLessThanOrEqual(failuresTtl);
    expect((await skewed.load('bob', ip, T0)).traffic).toEqual({ failedLogins: 1, distinctAccounts: 1, accountFailures: 0 });
  });

  it('counts failures per account and IP, resets them on a committed login, and never touches the IP counters then', async () => {
    const ip = '198.51.100.10';
    for (let i = 0; i < 3; i++) await store.recordFailure(ip, 'alice', T0 + i * 60_000);
    await store.recordFailure(ip, 'bob', T0);
    expect((await store.load('alice', ip, T0 + HOUR)).traffic).toEqual({ failedLogins: 4, distinctAccounts: 0, accountFailures: 3 });
    expect((await store.load('bob', ip, T0 + 5 * 60_000)).traffic?.accountFailures).toBe(1);
    // The same account from another IP has no failures: they are per account *and* IP.
    expect((await store.load('alice', '198.51.100.11', T0)).traffic?.accountFailures).toBe(0);

    await store.commit({ userId: 'alice', entry: entry(), ip });
    const after = (await store.load('alice', ip, T0 + HOUR)).traffic;
    expect(after?.accountFailures).toBe(0);
    expect(after?.failedLogins).toBe(4);
    expect((await store.load('bob', ip, T0 + HOUR)).traffic?.accountFailures).toBe(1);
    // A day after alice's last failure, her count is gone even without a success.
    await store.recordFailure(ip, 'carol', T0);
    expect((await store.load('carol', ip, T0 + 25 * HOUR)).traffic?.accountFailures).toBe(0);
  });

  it('keeps at most MAX_ACCOUNTS_PER_IP per-account counters per IP, while still counting the IP and the accounts', async () => {
    const ip = '198.51.100.12';
    const key = keys.ipAccountFailures(ip);
    const hour = Math.floor(T0 / HOUR);
    await redis.hset(key, Object.fromEntries(Array.from({ length: MAX_ACCOUNTS_PER_IP }, (_, i) => [accountHash(limits.accountSecret, `filler-${i}`), `1:${hour}`])));
    const r = await store.recordFailure(ip, 'one-too-many', T0);
    expect(r.counts.accountFailures).toBe(0);
    expect(r.counts.failedLogins).toBe(1);
    expect(r.counts.distinctAccounts).toBe(1);
    expect(await redis.hlen(key)).toBe(MAX_ACCOUNTS_PER_IP);
    // An account already tracked still counts.
    expect((await store.recordFailure(ip, 'filler-7', T0)).counts.accountFailures).toBe(2);
  });

  it('does not flag a victim account attacked from many IPs, from the victim\'s own address', async () => {
    for (let i = 0; i < 200; i++) await store.recordFailure(`203.0.113.${i}`, 'victim', T0 + i * 1000);
    const own = await store.load('victim', '198.51.100.200', T0 + 300_000);
    expect(own.traffic).toEqual({ failedLogins: 0, distinctAccounts: 0, accountFailures: 0 });
    // Nothing keyed on the account alone was written, and no user id at all.
    const all = await redis.keys('*');
    expect(all.filter((k) => k.includes('victim') || k.includes(accountHash(limits.accountSecret, 'victim')))).toEqual([]);
    expect(await redis.hkeys(keys.ipAccountFailures('203.0.113.7'))).toEqual([accountHash(limits.accountSecret, 'victim')]);
  });

  it('saves a pending assessment with a 10-minute TTL and lets it be claimed exactly once', async () => {
    const record: AssessmentRecord = {
      id: 'a1',
      userId: 'u1',
      application: 'default',
      clientId: 'web',
      action: 'allow',
      entry: entry(),
      ip: null,
      createdAtMs: T0,
    };
    await store.savePending(record);
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

  it('commits an assessed login and clears the account\'s failures from its IP when the load saw some', async () => {
    const ip = '198.51.100.20';
    await store.recordFailure(ip, 'u2', T0);
    await store.recordFailure(ip, 'other', T0);
    const loaded = await store.load('u2', ip, T0);
    expect(loaded.traffic?.accountFailures).toBe(1);
    await store.commitAssessed({ userId: 'u2', entry: entry({ deviceHash: 'dz' }), ip }, { history: loaded.history, accountFailures: 1 });
    const { history, traffic: counts } = await store.load('u2', ip, T0);
    expect(history.devices.has('dz')).toBe(true);
    expect(counts).toEqual({ failedLogins: 2, distinctAccounts: 2, accountFailures: 0 });
    expect((await store.load('other', ip, T0)).traffic?.accountFailures).toBe(1);
    // No record is stored for an assessment committed at once (its id is its receipt).
    expect(await redis.keys(`${keys.assessment('*')}`)).toEqual([]);
  });

  it('keeps the familiarity in 64-character fields; a shorter one leaves parts past its end, unread until a trim drops them', async () => {
    const hash = createFeatureHasher('s'.repeat(32), 'shrinks');
    const features = (i: number) =>
      extractFeatures(
        { ip: `198.51.100.${i}`, family: 4, asn: 64500 + i, country: 'GB', city: `City ${i}`, userAgent: `UA ${i}`, ua: { browser: `B ${i}`, os: 'Windows', deviceType: 'desktop' }, deviceHash: null },
        hash,
      );
    // No device or user agent: the assessed commits below take the plain HSET, no script.
    const quiet = (atMs: number, i: number) => entry({ deviceHash: null, uaFamily: null, atMs, features: features(i) });
    for (let i = 0; i < 8; i++) await store.commit({ userId: 'shrinks', entry: quiet(T0 + i * HOUR, i), ip: null });
    const full = (await hashFields(keys.user('shrinks'))).familiarity;
    expect(full).toBeGreaterThan(3);
    // 200 days on, the 180-day window leaves only this login's values: a shorter familiarity.
    const later = T0 + 200 * DAY;
    let { history } = await store.load('shrinks', null, later);
    await store.commitAssessed({ userId: 'shrinks', entry: quiet(later, 9), ip: null }, { history, accountFailures: 0 });
    ({ history } = await store.load('shrinks', null, later));
    expect(history.profile.logins).toBe(9);
    expect(history.profile.values.ip.map((v) => v.key)).toEqual([features(9).ip!.key]);
    expect((await hashFields(keys.user('shrinks'))).familiarity).toBe(full);
    // A commit that trims (a device now) drops the parts past the end.
    await store.commit({ userId: 'shrinks', entry: entry({ atMs: later + HOUR, features: features(9) }), ip: null });
    expect((await hashFields(keys.user('shrinks'))).familiarity).toBeLessThan(full);
    expect((await store.load('shrinks', null, later)).history.profile.logins).toBe(10);
  });

  it('trims at an assessed commit when the loaded snapshot shows an entry past the trust window', async () => {
    await store.commit({ userId: 'u3', entry: entry({ deviceHash: 'old', atMs: T0 - 40 * DAY }), ip: null });
    const { history } = await store.load('u3', null, T0);
    expect(mayNeedTrim(history, entry({ deviceHash: 'new' }), limits)).toBe(true);
    await store.commitAssessed({ userId: 'u3', entry: entry({ deviceHash: 'new' }), ip: null }, { history, accountFailures: 0 });
    expect([...(await store.load('u3', null, T0)).history.devices.keys()]).toEqual(['new']);
  });

  it('bounds a user\'s hash by its field count even when a stale snapshot said no trim was needed', async () => {
    const empty: HistorySnapshot = (await store.load('u4', null, T0)).history;
    // 5 devices and 3 user agents allowed: 3 + 5 + 3 fields at most before a trim is forced.
    for (let i = 0; i < 12; i++) {
      await store.commitAssessed({ userId: 'u4', entry: entry({ deviceHash: `d${i}`, atMs: T0 + i * 1000 }), ip: null }, { history: empty, accountFailures: 0 });
    }
    expect((await hashFields(keys.user('u4'))).history).toBeLessThanOrEqual(3 + limits.maxDevices + limits.maxUserAgents);
    const { history } = await store.load('u4', null, T0);
    expect([...history.devices.keys()]).toContain('d11');
  });

  it('asks the field count only when a commit adds a device or user agent the snapshot did not hold', async () => {
    await store.commit({ userId: 'u6', entry: entry({ atMs: T0 - DAY }), ip: null });
    const hlenCalls = async (e: HistoryEntry): Promise<number> => {
      const { history } = await store.load('u6', null, T0);
      await redis.config('RESETSTAT');
      await store.commitAssessed({ userId: 'u6', entry: e, ip: null }, { history, accountFailures: 0 });
      return Number(/cmdstat_hlen:calls=(\d+),/.exec(await redis.info('commandstats'))?.[1] ?? 0);
    };
    // The returning device and browser: nothing can grow past the caps, so no HLEN.
    expect(await hlenCalls(entry({ atMs: T0 }))).toBe(0);
    expect(await hlenCalls(entry({ deviceHash: 'dev2', atMs: T0 + 1000 }))).toBe(1);
    expect(await hlenCalls(entry({ deviceHash: 'dev2', uaFamily: 'Firefox/Linux', atMs: T0 + 2000 }))).toBe(1);
    expect(await hlenCalls(entry({ deviceHash: 'dev2', uaFamily: 'Firefox/Linux', atMs: T0 + 3000 }))).toBe(0);
    const { history } = await store.load('u6', null, T0);
    expect([...history.devices.keys()].sort()).toEqual(['dev1', 'dev2']);
    expect(history.lastLoginMs).toBe(T0 + 3000);
  });

  it('merges an assessed latest login with plain commands, into the very hash the commit script makes', async () => {
    const location = { lat: 51.5, lon: -0.12, accuracyKm: 20, atMs: T0, country: 'GB', city: 'London' };
    for (const user of ['plain', 'scripted']) {
      await store.commit({ userId: user, entry: entry({ deviceHash: 'd1', uaFamily: 'Firefox/Linux', atMs: T0 - DAY }), ip: null });
    }
    const { history } = await store.load('plain', null, T0);
    const next = entry({ deviceHash: 'd2', location });
    await redis.config('RESETSTAT');
    await store.commitAssessed({ userId: 'plain', entry: next, ip: null }, { history, accountFailures: 0 });
    const stats = await redis.info('commandstats');
    expect(stats).not.toMatch(/cmdstat_evalsha|cmdstat_eval:/);
    expect(stats).toMatch(/cmdstat_hset:calls=1,/);
    await store.commit({ userId: 'scripted', entry: next, ip: null });
    expect(await redis.hgetall(keys.user('plain'))).toEqual(await redis.hgetall(keys.user('scripted')));
    expect(await redis.ttl(keys.user('plain'))).toBeGreaterThan(364 * 86_400);
  });

  it('merges a back-filled login through the script, so it cannot take the place of the later one', async () => {
    const newer = { lat: 35.68, lon: 139.69, accuracyKm: 50, atMs: T0, country: 'JP', city: 'Tokyo' };
    const older = { lat: 51.5, lon: -0.12, accuracyKm: 20, atMs: T0 - DAY, country: 'GB', city: 'London' };
    await store.commit({ userId: 'u5', entry: entry({ deviceHash: 'd1', location: newer }), ip: null });
    const { history } = await store.load('u5', null, T0);
    await store.commitAssessed({ userId: 'u5', entry: entry({ deviceHash: 'd1', location: older, atMs: T0 - DAY }), ip: null }, { history, accountFailures: 0 });
    const after = (await store.load('u5', null, T0)).history;
    expect(after.lastLocation?.city).toBe('Tokyo');
    expect(after.lastLoginMs).toBe(T0);
    expect(after.devices.get('d1')).toBe(T0);
  });

  it('still claims a record saved before records carried their client', async () => {
    const record: AssessmentRecord = {
      id: 'a4',
      ip: null,
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
