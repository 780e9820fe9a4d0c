import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisConnections, type RedisConnections } from '../../src/platform/redis/redis-connections.js';
import { historyKeys } from '../../src/stores/history/history-keys.js';
import { HistoryStore } from '../../src/stores/history/history-store.js';
import { mfaKeys, rememberedField } from '../../src/stores/mfa/mfa-keys.js';
import { MAX_REMEMBERED_BROWSERS, MfaStore } from '../../src/stores/mfa/mfa-store.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 5, 1, 12);
const familiarity = { maxValuesPerFeature: 8, windowDays: 180, maxPlaces: 6, mergeKm: 50 };

/** Remembered browsers in the user's MFA hash (`remember-browser-1.lua`), and the assessment's load of one. */
describe('remembered browsers in Redis', () => {
  let server: TestRedis;
  let conns: RedisConnections;
  let store: MfaStore;
  let history: HistoryStore;
  const keys = mfaKeys('t:');
  const fields = async (userId: string) => {
    const flat = await conns.reads.hgetall(keys.user(userId));
    const out = new Map<string, number>();
    for (let i = 0; i < flat.length; i += 2) if (flat[i]!.startsWith('rb:')) out.set(flat[i]!, Number(flat[i + 1]));
    return out;
  };

  beforeAll(async () => {
    server = await startTestRedis();
    conns = createRedisConnections({ mode: 'single', url: server.url, keyPrefix: 't:', timeoutMs: 2000 }, pino({ level: 'silent' }));
    await conns.ready(5000);
    store = new MfaStore(conns, keys, { timeoutMs: 2000 });
    const limits = { deviceTrustDays: 30, historyRetentionDays: 365, maxDevices: 5, maxUserAgents: 3, familiarity };
    history = new HistoryStore(conns, historyKeys('t:'), keys, limits, { timeoutMs: 2000 });
  });
  afterAll(async () => {
    await conns?.close();
    await server?.stop();
  });

  it('keeps the most that end last, drops those that ended, and leaves the rest of the hash alone', async () => {
    await conns.writes.hset(keys.user('u1'), ['summary', 'otp', 'a:x', '{"version":0}']);
    await store.rememberBrowser('u1', 'old', T0 + DAY, T0);
    for (let i = 0; i < MAX_REMEMBERED_BROWSERS + 2; i++) await store.rememberBrowser('u1', `d${i}`, T0 + 10 * DAY + i, T0 + 2 * DAY);
    const kept = await fields('u1');
    // `old` ended at T0 + 1 day; of the twelve others the two that end first went.
    expect([...kept.keys()].sort()).toEqual(Array.from({ length: MAX_REMEMBERED_BROWSERS }, (_, i) => rememberedField(`d${i + 2}`)).sort());
    expect(kept.get(rememberedField('d11'))).toBe(T0 + 10 * DAY + 11);
    expect(await conns.reads.hget(keys.user('u1'), 'summary')).toBe('otp');
    expect(await conns.reads.hget(keys.user('u1'), 'a:x')).toBe('{"version":0}');
  });

  it('a browser remembered again gets its new end', async () => {
    await store.rememberBrowser('u2', 'd', T0 + DAY, T0);
    await store.rememberBrowser('u2', 'd', T0 + 5 * DAY, T0 + 3_600_000);
    expect(await fields('u2')).toEqual(new Map([[rememberedField('d'), T0 + 5 * DAY]]));
  });

  it("the assessment's load reads its device's end with the MFA summary, and nothing for another device", async () => {
    await conns.writes.hset(keys.user('u3'), ['summary', 'otp']);
    await store.rememberBrowser('u3', 'laptop', T0 + 30 * DAY, T0);
    expect(await history.load('u3', 'laptop')).toMatchObject({ mfaFactors: ['otp'], rememberedUntilMs: T0 + 30 * DAY });
    expect(await history.load('u3', 'phone')).toMatchObject({ mfaFactors: ['otp'], rememberedUntilMs: null });
    expect(await history.load('u3', null)).toMatchObject({ mfaFactors: ['otp'], rememberedUntilMs: null });
  });

  it('forgets them all and nothing else; a reset takes them with the authenticators', async () => {
    await conns.writes.hset(keys.user('u4'), ['summary', 'otp']);
    await store.rememberBrowser('u4', 'a', T0 + DAY, T0);
    await store.rememberBrowser('u4', 'b', T0 + DAY, T0);
    expect(await store.forgetBrowsers('u4')).toBe(2);
    expect((await fields('u4')).size).toBe(0);
    expect(await conns.reads.hget(keys.user('u4'), 'summary')).toBe('otp');
    expect(await store.forgetBrowsers('u4')).toBe(0);

    await store.rememberBrowser('u4', 'c', T0 + DAY, T0);
    await store.resetUser('u4');
    expect((await fields('u4')).size).toBe(0);
  });
});
