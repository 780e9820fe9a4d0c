import { NO_FEATURES } from '../../src/risk/familiarity/features.js';
import { pino } from 'pino';
import { historyLimits } from '../../src/build-deps.js';
import type { Config } from '../../src/config.js';
import { deviceHash } from '../../src/context/device.js';
import { createUaParser } from '../../src/context/user-agent.js';
import { createKeys, type Keys } from '../../src/history/keys.js';
import { RespConnection } from '../../src/history/resp-connection.js';
import type { HistoryEntry } from '../../src/history/snapshot.js';
import { HistoryStore } from '../../src/history/store.js';
import type { BenchUser, Place, Rand } from './population.js';

const DAY_MS = 86_400_000;

/**
 * A history store of the bench's own on the Redis at `url`, with Vigil's limits and connection
 * kind, so seeded hashes are exactly what Vigil writes. `close()` ends its connection.
 */
export async function benchStore(url: string, config: Config): Promise<{ store: HistoryStore; keys: Keys; close(): void }> {
  const keys = createKeys(config.redis.keyPrefix);
  const redis = new RespConnection({ url, timeoutMs: 10_000, logger: pino({ level: 'silent' }), name: 'bench-seed' });
  await redis.ready();
  return { store: new HistoryStore(redis, keys, historyLimits(config)), keys, close: () => redis.close() };
}

function entry(config: Config, ua: ReturnType<typeof createUaParser>, user: string, deviceId: string, userAgent: string, home: Place, atMs: number): HistoryEntry {
  return {
    deviceHash: deviceHash(config.deviceSecret, user, deviceId),
    uaFamily: ua.family(userAgent),
    location: { lat: home.lat, lon: home.lon, accuracyKm: null, atMs, country: home.country, city: home.city },
    atMs,
    features: NO_FEATURES,
  };
}

/**
 * Commit every user's devices through Vigil's own commit script, oldest first, at times within
 * the trust window (the last one between an hour and ten days ago), so the load finds a
 * history like a live system's. Returns the number of commits.
 */
export async function seedUsers(store: HistoryStore, config: Config, users: readonly BenchUser[], nowMs: number, rand: Rand): Promise<number> {
  const ua = createUaParser(10_000);
  const trustMs = config.assessors.deviceTrustDays * DAY_MS;
  let commits = 0;
  let inflight: Promise<void>[] = [];
  for (const u of users) {
    const last = nowMs - 3_600_000 - rand() * 10 * DAY_MS;
    const n = u.devices.length;
    u.devices.forEach((d, i) => {
      // Spread older devices back in time, staying inside the trust window.
      const at = Math.floor(last - ((n - 1 - i) / n) * rand() * (trustMs - 11 * DAY_MS));
      inflight.push(store.commit({ userId: u.id, entry: entry(config, ua, u.id, d.id, d.ua, u.home, at), ip: null }));
      commits++;
    });
    // Bounded concurrency: auto-pipelining batches these into few round trips.
    if (inflight.length >= 2000) {
      await Promise.all(inflight);
      inflight = [];
    }
  }
  await Promise.all(inflight);
  return commits;
}

/**
 * One user with `logins` committed logins, each on a different device and user agent, a
 * minute apart and ending a minute ago: the history-length growth case. Returns the device
 * and user agent of the last login, which the load then presents as known.
 */
export async function seedLongHistory(
  store: HistoryStore,
  config: Config,
  userId: string,
  logins: number,
  home: Place,
  uas: readonly string[],
  nowMs: number,
): Promise<{ deviceId: string; userAgent: string }> {
  const ua = createUaParser(10_000);
  let last = { deviceId: '', userAgent: '' };
  for (let i = 0; i < logins; i++) {
    last = { deviceId: `history-device-${i}`, userAgent: uas[i % uas.length]! };
    // Sequential: each commit trims and caps the hash the previous one wrote.
    await store.commit({ userId, entry: entry(config, ua, userId, last.deviceId, last.userAgent, home, nowMs - (logins - i) * 60_000), ip: null });
  }
  return last;
}
