import { hkdfSync } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Deps } from './deps.js';
import { cachedGeoLocator } from './intel/cached-geo-locator.js';
import { openGeoLocator } from './intel/geo-locator.js';
import { createIntelFeeds } from './intel/intel-feeds.js';
import { IpIntel } from './intel/lists/intel.js';
import { openAsnLookup } from './intel/open-asn-lookup.js';
import { countLostEmails } from './mfa/count-lost-emails.js';
import { createSecretBox } from './mfa/crypto/secret-box.js';
import { createEmailDelivery, type EmailDelivery } from './mfa/delivery/email-queue.js';
import { createWebhookPhoneProvider } from './mfa/delivery/phone-provider.js';
import { phoneText, renderCodeEmail } from './mfa/delivery/templates.js';
import { issueMfaToken } from './mfa/issue-token.js';
import { createResultSigner } from './mfa/result-token.js';
import type { MfaRuntime } from './mfa/runtime.js';
import { createLogger } from './platform/create-logger.js';
import { createMetrics, type Metrics } from './platform/metrics/metrics.js';
import { bullPrefix, createRedisConnections, type RedisConnections } from './platform/redis/redis-connections.js';
import { createRedisDataWatch } from './redis-data/redis-data-watch.js';
import type { ChallengeIssuer } from './risk/challenge-issuer.js';
import { commitPending } from './risk/commit-pending.js';
import { createUaParser } from './risk/context/user-agent.js';
import { PopulationCounts } from './risk/familiarity/population-counts.js';
import { startPopulationSync } from './risk/population-sync.js';
import { historyKeys } from './stores/history/history-keys.js';
import { HistoryStore } from './stores/history/history-store.js';
import type { HistoryLimits } from './stores/history/user-hash.js';
import { intelKeys } from './stores/intel/intel-keys.js';
import { IntelStore } from './stores/intel/intel-store.js';
import { markerKeys } from './stores/marker/marker-keys.js';
import { MarkerStore } from './stores/marker/marker-store.js';
import { mfaKeys } from './stores/mfa/mfa-keys.js';
import { MfaStore } from './stores/mfa/mfa-store.js';
import { pendingKeys } from './stores/pending/pending-keys.js';
import { PendingAssessments } from './stores/pending/pending-assessments.js';
import { populationKeys } from './stores/population/population-keys.js';
import { PopulationStore } from './stores/population/population-store.js';
import type { OpObserver } from './stores/timed.js';
import { trafficKeys } from './stores/traffic/traffic-keys.js';
import { TrafficStore, type TrafficLimits } from './stores/traffic/traffic-store.js';

/** A background merge of population counts waits this long for Redis (the background connection queues while Redis is away). */
const POPULATION_REDIS_TIMEOUT_MS = 10_000;
/** Moving a compiled IP list of megabytes takes a while; the background connection does nothing else. */
const INTEL_REDIS_TIMEOUT_MS = 10_000;

export interface BuiltDeps extends Deps {
  /** Close every connection and reader; safe to call twice. */
  close(): Promise<void>;
}

/**
 * The composition root: the one place that builds what a Vigil process runs on (Redis
 * connections, metrics, logger), the stores over it, the readers (GeoIP, ASN, IP lists, loaded
 * or fetched when Redis holds none yet before this returns, UA parser) and the features'
 * infrastructure (the MFA module's signer, secret box and delivery; the list feeds; the
 * population sync; the Redis data watch), and that wires the features to each other through
 * the interfaces they declare (docs/design.md, "Layout").
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
  const intelStore = new IntelStore(redis.background, intelKeys(prefix), INTEL_REDIS_TIMEOUT_MS);
  const feeds = createIntelFeeds({ config, store: intelStore, intel, redis, traffic, metrics, logger, now });
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
  // The two features that meet in a challenge, each through the interface it declares: the
  // assessment issues the MFA module's token, the MFA step commits the risk feature's assessment.
  const challenges: ChallengeIssuer = { canEmail: mfa.mailer !== null, issueToken: (subject) => issueMfaToken({ mfa, now }, subject) };
  const commitChallenged: Deps['commitChallenged'] = (assessmentId, clientId) => commitPending({ pending, history, traffic, population }, assessmentId, clientId);
  return {
    config,
    logger,
    redis,
    history,
    pending,
    traffic,
    geo,
    intel,
    feeds,
    uaFamily: (s) => ua.family(s),
    uaParts: (s) => ua.parts(s),
    asn,
    population,
    metrics,
    mfa,
    challenges,
    commitChallenged,
    redisData,
    lifecycle,
    now,
    close,
  };
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

/** The MFA module's infrastructure and how to close it. */
interface BuiltMfa extends MfaRuntime {
  close(): Promise<void>;
}

/**
 * The MFA module's infrastructure: store, signer, secret box, and delivery. Email goes through
 * the BullMQ queue to SMTP when `SMTP_URL` is set; without it, development writes emails to the
 * log and production offers no email steps. SMS and voice exist only with a phone webhook.
 */
async function buildMfa(opts: {
  config: Config;
  redis: RedisConnections;
  logger: Logger;
  metrics: Metrics;
  observe: OpObserver;
}): Promise<BuiltMfa> {
  const { config, logger, metrics } = opts;
  const signer = await createResultSigner({ issuer: config.mfa.issuer, signingKeys: config.mfa.signingKeys, env: config.env });
  if (signer.ephemeral) logger.warn('mfa.signingKeys is empty: result tokens are signed with a key generated for this process');
  if (config.encryptionKeyIsDefault) logger.warn('VIGIL_ENCRYPTION_KEYS is not set: factor secrets use the development key');

  let delivery: EmailDelivery | null = null;
  if (config.smtp.url || config.env !== 'production') {
    if (!config.smtp.url) logger.warn('SMTP_URL is not set: code emails are written to the log (development only)');
    delivery = createEmailDelivery({
      connection: { queue: opts.redis.bullmq('queue'), worker: opts.redis.bullmq('worker') },
      transport: config.smtp.url ? smtpTransport(config.smtp.url, config.smtp.timeoutMs) : 'log',
      from: config.smtp.from,
      logger,
      prefix: bullPrefix(config.redis.keyPrefix),
      hooks: {
        queued: () => metrics.emails.inc({ result: 'queued' }),
        sent: () => metrics.emails.inc({ result: 'sent' }),
        retried: () => metrics.emails.inc({ result: 'retried' }),
        failed: () => metrics.emails.inc({ result: 'failed' }),
      },
    });
  } else {
    logger.warn('SMTP_URL is not set: email verification and email codes are not offered; unenrolled users are denied');
  }

  const issuer = config.mfa.issuer;
  const phone = config.phoneWebhook
    ? createWebhookPhoneProvider({ url: config.phoneWebhook.url, secret: config.phoneWebhook.secret ?? undefined, timeoutMs: 5000 })
    : null;

  // One server secret, domain-separated: the code-hashing key is not the device-hashing key.
  const codeSecret = Buffer.from(hkdfSync('sha256', config.deviceSecret, 'vigil', 'mfa-codes', 32)).toString('base64url');

  return {
    store: new MfaStore(opts.redis, mfaKeys(config.redis.keyPrefix), { observe: opts.observe, timeoutMs: config.redis.timeoutMs }),
    signer,
    box: createSecretBox(config.encryptionKeys),
    codeSecret,
    mailer: delivery && {
      sendCode: (to, purpose, code) => delivery.enqueue({ to, ...renderCodeEmail({ code, purpose, issuer }) }),
    },
    phone: phone && {
      sendCode: (to, channel, purpose, code) => phone.send({ to, channel, code, text: phoneText({ code, purpose, issuer, channel }) }),
    },
    queueCounts: delivery ? () => delivery.counts() : null,
    lastQueueCounts: delivery ? () => delivery.lastCounts() : null,
    close: async () => {
      await delivery?.close();
    },
  };
}

/**
 * nodemailer's SMTP transport with every wait bounded by `timeoutMs`: its defaults (2 minutes to
 * connect, 30 s for the greeting, 10 minutes of socket silence) let a hung server hold a
 * delivery slot for minutes (docs/operations.md, "14. Email retries ended long before the code
 * did"). Timeouts given in the URL's query win.
 */
function smtpTransport(url: string, timeoutMs: number) {
  return nodemailer.createTransport({ url, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs, dnsTimeout: timeoutMs });
}
