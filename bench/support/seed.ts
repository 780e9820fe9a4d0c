import { pino } from 'pino';
import { historyLimits } from '../../src/compose.js';
import type { Config } from '../../src/config.js';
import { deviceHash } from '../../src/risk/context/device.js';
import { createUaParser } from '../../src/risk/context/user-agent.js';
import type { HistoryEntry } from '../../src/risk/history/snapshot.js';
import { createRedisConnections } from '../../src/platform/redis/redis-connections.js';
import { historyKeys, type HistoryKeys } from '../../src/stores/history/history-keys.js';
import { HistoryStore } from '../../src/stores/history/history-store.js';
import { mfaKeys } from '../../src/stores/mfa/mfa-keys.js';
import { openAsnLookup, type AsnLookup } from '../../src/intel/open-asn-lookup.js';
import { extractFeatures } from '../../src/risk/familiarity/extract-features.js';
import { createFeatureHasher } from '../../src/risk/familiarity/feature-hasher.js';
import type { BenchUser, Place, Rand } from './population.js';

const DAY_MS = 86_400_000;

/**
 * A history store of the bench's own on the Redis at `url`, with Vigil's limits and
 * connections, so seeded hashes are exactly what Vigil writes. `close()` ends its connections.
 */
export async function benchStore(url: string, config: Config): Promise<{ store: HistoryStore; keys: HistoryKeys; close(): void }> {
  const prefix = config.redis.keyPrefix;
  const keys = historyKeys(prefix);
  const redis = createRedisConnections({ mode: 'single', url, keyPrefix: prefix, timeoutMs: 10_000 }, pino({ level: 'silent' }));
  await redis.ready(10_000);
  return { store: new HistoryStore(redis, keys, mfaKeys(prefix), historyLimits(config), { timeoutMs: 10_000 }), keys, close: () => void redis.close() };
}

/** What a seeded login is made of besides its user: the UA parser and the ASN data, as the service has them. */
interface Lookups {
  ua: ReturnType<typeof createUaParser>;
  asn: AsnLookup;
}

async function lookups(config: Config): Promise<Lookups> {
  return { ua: createUaParser(10_000), asn: await openAsnLookup(config.geo) };
}

/** The history entry Vigil would commit for this login, familiarity features included. */
function entry(config: Config, l: Lookups, user: string, deviceId: string, userAgent: string, home: Place, atMs: number): HistoryEntry {
  const device = deviceHash(config.deviceSecret, user, deviceId);
  const features = extractFeatures(
    {
      ip: home.ip,
      family: 4,
      asn: l.asn.lookup(home.ip, 4)?.asn ?? null,
      country: home.country,
      city: home.city,
      userAgent,
      ua: l.ua.parts(userAgent),
      deviceHash: device,
    },
    createFeatureHasher(config.deviceSecret, user),
  );
  return {
    deviceHash: device,
    uaFamily: l.ua.family(userAgent),
    location: { lat: home.lat, lon: home.lon, accuracyKm: null, atMs, country: home.country, city: home.city },
    atMs,
    features,
  };
}

/**
 * Commit every user's devices through Vigil's own commit script, oldest first, at times within
 * the trust window (the last one between an hour and ten days ago), so the load finds a
 * history like a live system's. Returns the number of commits.
 */
export async function seedUsers(store: HistoryStore, config: Config, users: readonly BenchUser[], nowMs: number, rand: Rand): Promise<number> {
  const l = await lookups(config);
  const trustMs = config.assessors.deviceTrustDays * DAY_MS;
  let commits = 0;
  let inflight: Promise<void>[] = [];
  for (const u of users) {
    const last = nowMs - 3_600_000 - rand() * 10 * DAY_MS;
    const n = u.devices.length;
    // One user's logins one after the other: each commit reads the profile the last one wrote.
    let chain = Promise.resolve();
    u.devices.forEach((d, i) => {
      // Spread older devices back in time, staying inside the trust window.
      const at = Math.floor(last - ((n - 1 - i) / n) * rand() * (trustMs - 11 * DAY_MS));
      chain = chain.then(() => store.commit({ userId: u.id, entry: entry(config, l, u.id, d.id, d.ua, u.home, at) }));
      commits++;
    });
    inflight.push(chain);
    // Bounded concurrency: the commands of one turn leave in one write.
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
  const l = await lookups(config);
  let last = { deviceId: '', userAgent: '' };
  for (let i = 0; i < logins; i++) {
    last = { deviceId: `history-device-${i}`, userAgent: uas[i % uas.length]! };
    // Sequential: each commit trims and caps the hash the previous one wrote.
    await store.commit({ userId, entry: entry(config, l, userId, last.deviceId, last.userAgent, home, nowMs - (logins - i) * 60_000) });
  }
  return last;
}
