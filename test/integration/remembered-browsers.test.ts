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

  it('keeps the newest proofs, drops those no application remembers, and leaves the rest of the hash alone', async () => {
    await conns.writes.hset(keys.user('u1'), ['summary', 'otp', 'a:x', '{"version":0}']);
    expect(await store.rememberBrowser('u1', 'web', 'old', T0, T0)).toBe(true);
    for (let i = 0; i < MAX_REMEMBERED_BROWSERS + 2; i++) expect(await store.rememberBrowser('u1', 'web', `d${i}`, T0 + 2 * DAY + i, T0 + DAY)).toBe(true);
    const kept = await fields('u1');
    // `old` was proven before the oldest still remembered; of the twelve others the two proven first went.
    expect([...kept.keys()].sort()).toEqual(Array.from({ length: MAX_REMEMBERED_BROWSERS }, (_, i) => rememberedField('web', `d${i + 2}`)).sort());
    expect(kept.get(rememberedField('web', 'd11'))).toBe(T0 + 2 * DAY + 11);
    expect(await conns.reads.hget(keys.user('u1'), 'summary')).toBe('otp');
    expect(await conns.reads.hget(keys.user('u1'), 'a:x')).toBe('{"version":0}');
  });

  it('a browser proven again gets the new time; each application has its own field', async () => {
    await conns.writes.hset(keys.user('u2'), ['summary', 'otp']);
    await store.rememberBrowser('u2', 'web', 'd', T0, T0 - DAY);
    await store.rememberBrowser('u2', 'web', 'd', T0 + 3_600_000, T0 - DAY);
    await store.rememberBrowser('u2', 'admin', 'd', T0 + 7_200_000, T0 - DAY);
    expect(await fields('u2')).toEqual(
      new Map([
        [rememberedField('web', 'd'), T0 + 3_600_000],
        [rememberedField('admin', 'd'), T0 + 7_200_000],
      ]),
    );
  });

  it('remembers nothing for a user without an active factor: a reset in between leaves nothing to remember by', async () => {
    expect(await store.rememberBrowser('u5', 'web', 'd', T0, T0)).toBe(false);
    expect((await fields('u5')).size).toBe(0);
    expect(await conns.reads.exists(keys.user('u5'))).toBe(0);
  });

  it("the assessment's load reads its browser's proof for its application with the MFA summary", async () => {
    await conns.writes.hset(keys.user('u3'), ['summary', 'otp']);
    await store.rememberBrowser('u3', 'web', 'laptop', T0, T0);
    expect(await history.load('u3', { application: 'web', deviceHash: 'laptop' })).toMatchObject({ mfaFactors: ['otp'], browserProvenAtMs: T0 });
    expect(await history.load('u3', { application: 'web', deviceHash: 'phone' })).toMatchObject({ mfaFactors: ['otp'], browserProvenAtMs: null });
    expect(await history.load('u3', { application: 'admin', deviceHash: 'laptop' })).toMatchObject({ mfaFactors: ['otp'], browserProvenAtMs: null });
    expect(await history.load('u3', null)).toMatchObject({ mfaFactors: ['otp'], browserProvenAtMs: null });
  });

  it('forgets them all and nothing else; a reset takes them with the authenticators', async () => {
    await conns.writes.hset(keys.user('u4'), ['summary', 'otp']);
    await store.rememberBrowser('u4', 'web', 'a', T0, T0);
    await store.rememberBrowser('u4', 'admin', 'b', T0, T0);
    expect(await store.forgetBrowsers('u4')).toBe(2);
    expect((await fields('u4')).size).toBe(0);
    expect(await conns.reads.hget(keys.user('u4'), 'summary')).toBe('otp');
    expect(await store.forgetBrowsers('u4')).toBe(0);

    await store.rememberBrowser('u4', 'web', 'c', T0, T0);
    await store.resetUser('u4');
    expect((await fields('u4')).size).toBe(0);
  });
});
