import type { Logger } from 'pino';
import type { Config } from './config.js';
import { createUaParser } from './risk/context/user-agent.js';
import type { Deps } from './deps.js';
import { cachedGeoLocator } from './intel/cached-geo-locator.js';
import { openGeoLocator } from './intel/geo-locator.js';
import { createIntelFeeds } from './intel/intel-feeds.js';
import { IpIntel } from './intel/lists/intel.js';
import { createLogger } from './platform/create-logger.js';
import { createMetrics } from './platform/metrics/metrics.js';
import { openAsnLookup } from './intel/open-asn-lookup.js';
import { PopulationCounts } from './risk/familiarity/population-counts.js';
import { startPopulationSync } from './risk/population-sync.js';
import { populationKeys } from './stores/population/population-keys.js';
import { PopulationStore } from './stores/population/population-store.js';
import { buildMfa } from './mfa/build-mfa.js';
import { createRedisConnections } from './platform/redis/redis-connections.js';
import { historyKeys } from './stores/history/history-keys.js';
import { HistoryStore } from './stores/history/history-store.js';
import type { HistoryLimits } from './stores/history/user-hash.js';
import { countLostEmails } from './mfa/count-lost-emails.js';
import { createRedisDataWatch } from './redis-data/redis-data-watch.js';
import { markerKeys } from './stores/marker/marker-keys.js';
import { MarkerStore } from './stores/marker/marker-store.js';
import { mfaKeys } from './stores/mfa/mfa-keys.js';
import { pendingKeys } from './stores/pending/pending-keys.js';
import { PendingAssessments } from './stores/pending/pending-assessments.js';
import { trafficKeys } from './stores/traffic/traffic-keys.js';
import { TrafficStore, type TrafficLimits } from './stores/traffic/traffic-store.js';

/** A background merge of population counts waits this long for Redis (the background connection queues while Redis is away). */
const POPULATION_REDIS_TIMEOUT_MS = 10_000;

export interface BuiltDeps extends Deps {
  /** Close every connection and reader; safe to call twice. */
  close(): Promise<void>;
}

/**
 * Build the process's infrastructure once: Redis connections and the stores over them, GeoIP
 * readers, IP lists (loaded, or fetched when Redis holds none yet, before this returns), UA
 * parser, metrics.
 */
export async function buildDeps(config: Config, opts: { logger?: Logger; now?: () => number } = {}): Promise<BuiltDeps> {
  const logger = opts.logger ?? createLogger(config);
  const metrics = createMetrics();
  const now = opts.now ?? Date.now;
  const geo = cachedGeoLocator(await openGeoLocator(config.geo), config.geoCacheSize);

  const redis = createRedisConnections(config.redis, logger);
  const prefix = config.redis.keyPrefix;
  const observe = (op: string, seconds: number, ok: boolean) => {
    metrics.redisDuration.observe({ op }, seconds);
    if (!ok) metrics.redisErrors.inc({ op });
  };
  const storeOpts = { observe, timeoutMs: config.redis.timeoutMs };
  const history = new HistoryStore(redis, historyKeys(prefix), mfaKeys(prefix), historyLimits(config), storeOpts);
  const pending = new PendingAssessments(redis.writes, pendingKeys(prefix), storeOpts);
  const traffic = new TrafficStore(redis, trafficKeys(prefix), trafficLimits(config), storeOpts);
  const mfa = await buildMfa({ config, redis, logger, metrics, observe });
  const ua = createUaParser(config.uaCacheSize);
  const asn = await openAsnLookup(config.geo);
  const population = new PopulationCounts(config.familiarity.populationMaxValues);
  const populationStore = new PopulationStore(redis.background, populationKeys(prefix), {
    maxValuesPerFeature: config.familiarity.populationMaxValues,
    timeoutMs: POPULATION_REDIS_TIMEOUT_MS,
    observe,
  });
  const intel = new IpIntel(config.lists);
  const feeds = createIntelFeeds({ config, intel, redis, traffic, metrics, logger, now });
  const populationSync = startPopulationSync({ counts: population, store: populationStore, intervalMs: config.populationSyncMs, logger, metrics });
  const redisData = createRedisDataWatch({
    store: new MarkerStore(redis, markerKeys(prefix), storeOpts),
    redis,
    metrics,
    logger,
    now,
    intervalMs: config.redisData.checkIntervalMs,
    failClosedMs: config.redisData.failClosedHours * 3_600_000,
  });
  // What a data loss takes that Vigil can give back or must at least count (docs/operations.md, "13. Data loss went unnoticed").
  redisData.onLoss(({ first }) => feeds.recover({ restoreManual: first }));
  if (mfa.lastQueueCounts) countLostEmails(redisData, mfa.lastQueueCounts, metrics, logger);

  let closed: Promise<void> | null = null;
  const close = () => {
    closed ??= (async () => {
      populationSync.stop();
      redisData.close();
      await feeds.close();
      await mfa.close();
      await redis.close();
      await geo.close();
      await asn.close();
    })();
    return closed;
  };
  try {
    await feeds.start();
    await redisData.start();
  } catch (err) {
    await close();
    throw err;
  }
  const lifecycle = { draining: false };
  return { config, logger, redis, history, pending, traffic, geo, intel, feeds, uaFamily: (s) => ua.family(s), uaParts: (s) => ua.parts(s), asn, population, metrics, mfa, redisData, lifecycle, now, close };
}

/** The history store's limits, from config: the store the service and the bench seed build. */
export function historyLimits(config: Config): HistoryLimits {
  return {
    deviceTrustDays: config.assessors.deviceTrustDays,
    historyRetentionDays: config.assessors.historyRetentionDays,
    maxDevices: config.assessors.maxDevices,
    maxUserAgents: config.assessors.maxUserAgents,
    familiarity: {
      maxValuesPerFeature: config.familiarity.maxValuesPerFeature,
      windowDays: config.familiarity.windowDays,
      maxPlaces: config.familiarity.maxPlaces,
      mergeKm: config.familiarity.placeMergeKm,
    },
  };
}

/** The traffic store's thresholds and the key of its account hashes, from config. */
export function trafficLimits(config: Config): TrafficLimits {
  return { traffic: config.assessors.traffic, accountSecret: config.deviceSecret };
}
