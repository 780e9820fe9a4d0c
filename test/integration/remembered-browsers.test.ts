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

  const OTP = '{"version":3,"type":"otp","active":true,"id":"x"}';
  /** A user with an active TOTP authenticator `a:x`, as the MFA store writes one. */
  const enrolled = (userId: string) => conns.writes.hset(keys.user(userId), ['summary', 'otp', 'a:x', OTP]);
  const remember = (userId: string, application: string, deviceHash: string, provenAtMs: number, oldestMs: number, authenticatorId = 'x') =>
    store.rememberBrowser(userId, { application, deviceHash, authenticatorId }, provenAtMs, oldestMs);

  it('keeps the newest proofs, drops those no application remembers, and leaves the rest of the hash alone', async () => {
    await enrolled('u1');
    expect(await remember('u1', 'web', 'old', T0, T0)).toBe(true);
    for (let i = 0; i < MAX_REMEMBERED_BROWSERS + 2; i++) expect(await remember('u1', 'web', `d${i}`, T0 + 2 * DAY + i, T0 + DAY)).toBe(true);
    const kept = await fields('u1');
    // `old` was proven before the oldest still remembered; of the twelve others the two proven first went.
    expect([...kept.keys()].sort()).toEqual(Array.from({ length: MAX_REMEMBERED_BROWSERS }, (_, i) => rememberedField('web', `d${i + 2}`)).sort());
    expect(kept.get(rememberedField('web', 'd11'))).toBe(T0 + 2 * DAY + 11);
    expect(await conns.reads.hget(keys.user('u1'), 'summary')).toBe('otp');
    expect(await conns.reads.hget(keys.user('u1'), 'a:x')).toBe(OTP);
  });

  it('keeps the browser just remembered even beside newer proofs of a clock that runs ahead', async () => {
    await enrolled('u6');
    for (let i = 0; i < MAX_REMEMBERED_BROWSERS; i++) await remember('u6', 'web', `ahead${i}`, T0 + DAY + i, T0);
    expect(await remember('u6', 'web', 'now', T0, T0)).toBe(true);
    const kept = await fields('u6');
    expect(kept.size).toBe(MAX_REMEMBERED_BROWSERS);
    expect(kept.get(rememberedField('web', 'now'))).toBe(T0);
    expect(kept.has(rememberedField('web', 'ahead0'))).toBe(false);
  });

  it('a browser proven again gets the new time; each application has its own field', async () => {
    await enrolled('u2');
    await remember('u2', 'web', 'd', T0, T0 - DAY);
    await remember('u2', 'web', 'd', T0 + 3_600_000, T0 - DAY);
    await remember('u2', 'admin', 'd', T0 + 7_200_000, T0 - DAY);
    expect(await fields('u2')).toEqual(
      new Map([
        [rememberedField('web', 'd'), T0 + 3_600_000],
        [rememberedField('admin', 'd'), T0 + 7_200_000],
      ]),
    );
  });

  it('remembers nothing by an authenticator removed, reset or inactive in between; records of the earlier layout count', async () => {
    expect(await remember('u5', 'web', 'd', T0, T0)).toBe(false);
    expect(await conns.reads.exists(keys.user('u5'))).toBe(0);
    await enrolled('u5');
    expect(await remember('u5', 'web', 'd', T0, T0, 'removed')).toBe(false);
    await conns.writes.hset(keys.user('u5'), ['a:y', '{"version":0,"type":"webauthn","active":false}']);
    expect(await remember('u5', 'web', 'd', T0, T0, 'y')).toBe(false);
    expect((await fields('u5')).size).toBe(0);
    await conns.writes.hset(keys.user('u5'), ['a:z', '{"id":"z","type":"otp","active":true,"version":2}']);
    expect(await remember('u5', 'web', 'd', T0, T0, 'z')).toBe(true);
  });

  it("the assessment's load reads its browser's proof for its application with the MFA summary", async () => {
    await enrolled('u3');
    await remember('u3', 'web', 'laptop', T0, T0);
    expect(await history.load('u3', { application: 'web', deviceHash: 'laptop' })).toMatchObject({ mfaFactors: ['otp'], browserProvenAtMs: T0 });
    expect(await history.load('u3', { application: 'web', deviceHash: 'phone' })).toMatchObject({ mfaFactors: ['otp'], browserProvenAtMs: null });
    expect(await history.load('u3', { application: 'admin', deviceHash: 'laptop' })).toMatchObject({ mfaFactors: ['otp'], browserProvenAtMs: null });
    expect(await history.load('u3', null)).toMatchObject({ mfaFactors: ['otp'], browserProvenAtMs: null });
  });

  it('forgets them all and nothing else; a reset takes them with the authenticators', async () => {
    await enrolled('u4');
    await remember('u4', 'web', 'a', T0, T0);
    await remember('u4', 'admin', 'b', T0, T0);
    expect(await store.forgetBrowsers('u4')).toBe(2);
    expect((await fields('u4')).size).toBe(0);
    expect(await conns.reads.hget(keys.user('u4'), 'a:x')).toBe(OTP);
    expect(await store.forgetBrowsers('u4')).toBe(0);

    await remember('u4', 'web', 'c', T0, T0);
    await store.resetUser('u4');
    expect((await fields('u4')).size).toBe(0);
  });
});
