import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ASSESSOR_NAMES, CODES, type AssessorName, type Confidence } from './risk/assessors/types.js';
import { BUILTIN_SOURCES, INTEL_CATEGORIES, LIST_FORMATS } from './intel/lists/types.js';
import { parseSealingKeys, type SealingKey } from './mfa/crypto/secret-box.js';

/**
 * Vigil's configuration: environment variables plus an optional JSON file
 * (`VIGIL_CONFIG=path`). Parsed once at boot by {@link loadConfig}; nothing else reads
 * `process.env`. Every variable and key is documented, with its default, in docs/configuration.md
 * (test/unit/config-docs.test.ts checks).
 */

const confidence = z.enum(['high', 'medium', 'low', 'neutral']);

// Familiarity score bands, nats (docs/risk-model.md §5).
const FAMILIAR_MAX_NATS = 0;
const UNFAMILIAR_MIN_NATS = 1;
const sha256Hex = z
  .string()
  .regex(/^sha256:[0-9a-f]{64}$/, 'must be "sha256:" followed by 64 lowercase hex digits (see `npm run keygen`)');

const client = z.strictObject({
  /** Name used in logs and metrics. */
  id: z.string().min(1).max(64),
  /** SHA-256 of the API key, `sha256:<hex>`; the key itself is never stored. */
  keyHash: sha256Hex,
  /** Trust the `auth0-forwarded-for` header from this client (ROPG / token endpoint callers). */
  trustForwardedFor: z.boolean().default(false),
  /** May set `timestamp` on assessments (replays and back-fills). */
  allowTimestamp: z.boolean().default(false),
  /** Applications this client may assess for; empty means all. */
  applications: z.array(z.string()).default([]),
});

const admin = z.strictObject({
  /** Name used in logs. */
  id: z.string().min(1).max(64),
  /** SHA-256 of the admin key, `sha256:<hex>`. Admin keys are separate from API client keys. */
  keyHash: sha256Hex,
});

const application = z.strictObject({
  mfaPolicy: z.enum(['never', 'always', 'adaptive']).default('adaptive'),
  /** Under `adaptive`, overall confidences that trigger a challenge. */
  challengeOn: z.array(confidence).min(1).default(['low']),
  /** Whether enrolling a factor after email verification is required or may be skipped. */
  enrollment: z.enum(['optional', 'required']).default('optional'),
  /**
   * Under `always`: days a browser stays remembered for this application after a second factor
   * proven on it with `remember_browser` (docs/risk-model.md, "Remembered browsers"); 0 turns
   * remembering off.
   */
  rememberBrowserDays: z.number().int().min(0).max(365).default(0),
});

const assessmentMatcher = z
  .strictObject({
    assessor: z.enum(ASSESSOR_NAMES).optional(),
    code: z.string().optional(),
    category: z.enum(INTEL_CATEGORIES).optional(),
    confidence: confidence.optional(),
  })
  .refine((m) => Object.keys(m).length > 0, 'a condition needs at least one of assessor, code, category, confidence');

const denyRule = z.strictObject({
  name: z.string().regex(/^[a-z0-9_.-]+$/i, 'letters, digits, _ . - only'),
  /** Every condition must match some assessment for the rule to deny. */
  allOf: z.array(assessmentMatcher).min(1),
  /** Applications the rule applies to; empty means all. */
  applications: z.array(z.string()).default([]),
});

/**
 * One IP list source (docs/ip-intelligence.md, "IP lists"): a file or an http(s) URL, read in
 * `format`, refreshed every `refreshMinutes` by the BullMQ refresh job and shared with every
 * instance through Redis.
 */
const listSource = z
  .strictObject({
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/i, 'letters, digits, _ . - only, at most 64')
      .refine((n) => !(BUILTIN_SOURCES as readonly string[]).includes(n), `${BUILTIN_SOURCES.join(', ')} are built in`),
    category: z.enum(INTEL_CATEGORIES),
    path: z.string().min(1).optional(),
    url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    format: z.enum(LIST_FORMATS).default('netset'),
    /** ipsum only: keep an `IP<TAB>count` line when count ≥ this. */
    minCount: z.number().int().min(1).optional(),
    refreshMinutes: z.number().int().min(1).max(10_080).default(60),
  })
  .superRefine((s, ctx) => {
    if ((s.path === undefined) === (s.url === undefined)) ctx.addIssue({ code: 'custom', message: 'give exactly one of path and url' });
    if (s.minCount !== undefined && s.format !== 'ipsum') ctx.addIssue({ code: 'custom', path: ['minCount'], message: 'only for format "ipsum"' });
    if (s.format === 'mmdb-anonymous' && s.category !== 'anonymizer' && s.category !== 'datacenter') {
      ctx.addIssue({ code: 'custom', path: ['category'], message: 'format "mmdb-anonymous" feeds "anonymizer" or "datacenter"' });
    }
  });

const overrides = z
  .partialRecord(z.enum(ASSESSOR_NAMES), z.record(z.string(), confidence))
  .default({})
  .superRefine((o, ctx) => {
    for (const [assessor, byCode] of Object.entries(o) as [AssessorName, Record<string, Confidence>][]) {
      for (const code of Object.keys(byCode)) {
        if (!(CODES[assessor] as readonly string[]).includes(code)) {
          ctx.addIssue({
            code: 'custom',
            path: [assessor, code],
            message: `unknown code for ${assessor}; known: ${CODES[assessor].join(', ')}`,
          });
        }
      }
    }
  });

/** A token bucket: `burst` at most, one more every `refillSeconds`. */
function bucket(burst: number, refillSeconds: number) {
  return z
    .strictObject({ burst: z.number().int().min(1).default(burst), refillSeconds: z.number().positive().default(refillSeconds) })
    .prefault({});
}

/** The config file's schema (all keys optional). */
export const fileSchema = z.strictObject({
  clients: z.array(client).default([]),
  /** Keys for `/v1/admin` routes; without any, those routes answer 401 to everyone. */
  admins: z.array(admin).default([]),
  applications: z.record(z.string().min(1), application).default({ default: application.parse({}) }),
  assessors: z
    .strictObject({
      deviceTrustDays: z.number().int().min(1).max(365).default(30),
      historyRetentionDays: z.number().int().min(1).max(730).default(365),
      maxDevices: z.number().int().min(1).max(100).default(20),
      maxUserAgents: z.number().int().min(1).max(100).default(10),
      travel: z
        .strictObject({
          maxSpeedKmh: z.number().positive().default(1000),
          groundSpeedKmh: z.number().positive().default(150),
          minimalDistanceKm: z.number().nonnegative().default(100),
          defaultAccuracyKm: z.number().nonnegative().default(100),
          baseAllowanceKm: z.number().nonnegative().default(100),
          minElapsedHours: z.number().nonnegative().default(1),
          /**
           * A login farther than this from every familiar place is in a region new to the user
           * (docs/risk-model.md "Travel"); about the distance across a large European country.
           */
          unfamiliarRegionKm: z.number().positive().default(1500),
        })
        .prefault({}),
      /**
       * Traffic reputation (docs/ip-intelligence.md, "Traffic reputation"); defaults after Auth0's
       * attack protection.
       */
      traffic: z
        .strictObject({
          /** Failed logins from one IP within `windowHours` (Auth0 suspicious-IP throttling: 100 a day). */
          failedLoginsThreshold: z.number().int().min(1).default(100),
          windowHours: z.number().int().min(1).max(168).default(24),
          /** Distinct accounts with failed logins from one IP within `distinctAccountsWindowMinutes`. */
          distinctAccountsThreshold: z.number().int().min(2).max(1000).default(20),
          distinctAccountsWindowMinutes: z.number().int().min(6).max(1440).default(60),
          /** Failed logins for one account from one IP within `windowHours` (Auth0 brute-force protection: 10). */
          accountFailuresThreshold: z.number().int().min(1).default(10),
        })
        .prefault({}),
    })
    .prefault({}),
  /**
   * The familiarity model (docs/risk-model.md). Sources of the defaults: feature weights of the
   * network and agent groups from the das-group rba-algorithm reference implementation of
   * Freeman et al. (the values of Wiefling et al.'s published evaluations), split where Vigil
   * adds a level; the 180-day window from Wiefling et al. (ACM TOPS 2022); the rest are Vigil's,
   * with the reasoning in docs/risk-model.md §6.
   */
  familiarity: z
    .strictObject({
      /** Values not seen for this many days leave the profile (Wiefling et al. 2022: ~6 months suffice). */
      windowDays: z.number().int().min(1).max(730).default(180),
      /** Values kept per feature and user, least recently seen dropped first; bounds the profile's size. */
      maxValuesPerFeature: z.number().int().min(1).max(32).default(8),
      /** Familiar places kept per user (ImpossibleTravel), least recently seen dropped first. */
      maxPlaces: z.number().int().min(1).max(32).default(6),
      /** A login within this of a kept place (centre to centre) counts as that place; about a metropolitan area. */
      placeMergeKm: z.number().positive().default(50),
      /** Distinct values counted per feature across all users (AS, country, browser + major, OS, device type). */
      populationMaxValues: z.number().int().min(100).max(1_000_000).default(100_000),
      /** Estimate of a user's not-yet-seen values: the reference implementation's, or Witten–Bell. */
      smoothing: z.enum(['reference', 'witten-bell']).default('reference'),
      /** The largest likelihood ratio one feature may contribute in the user's favour. */
      maxCreditRatio: z.number().min(1).default(20),
      /** Population shares are read against at least this many logins (a fresh deployment's first logins are few users'). */
      minPopulation: z.number().int().min(1).default(1000),
      /**
       * Weight of each feature's log-likelihood ratio. Network: the reference's IP 0.6 split into
       * address 0.35 and subnet 0.25, AS 0.3, country 0.1 split into city 0.05 and country 0.05.
       * Agent: the reference's user agent 0.5387, browser 0.2680, OS 0.1882, device type 0.0051.
       * Device cookie: 1, one group like each of the reference's two.
       */
      weights: z
        .strictObject({
          ip: z.number().nonnegative().default(0.35),
          subnet: z.number().nonnegative().default(0.25),
          asn: z.number().nonnegative().default(0.3),
          city: z.number().nonnegative().default(0.05),
          country: z.number().nonnegative().default(0.05),
          ua: z.number().nonnegative().default(0.5387),
          browser: z.number().nonnegative().default(0.268),
          os: z.number().nonnegative().default(0.1882),
          deviceType: z.number().nonnegative().default(0.0051),
          device: z.number().nonnegative().default(1),
        })
        .prefault({}),
      /** Score bands in nats (docs/risk-model.md §5). */
      thresholds: z
        .strictObject({
          familiarMaxNats: z.number().default(FAMILIAR_MAX_NATS),
          unfamiliarMinNats: z.number().default(UNFAMILIAR_MIN_NATS),
        })
        .prefault({})
        .refine((t) => t.familiarMaxNats < t.unfamiliarMinNats, 'familiarMaxNats must be below unfamiliarMinNats'),
    })
    .prefault({}),
  overrides,
  /**
   * How the assessments become one confidence (docs/risk-model.md "Combining"). `evidence`
   * (default) adds each signal's log-likelihood ratio, in nats, to the Familiarity score, so one
   * strong signal counts unless familiarity outweighs it. `average` is the first contract's
   * Auth0-like weighted mean of per-assessor risk, kept for operators who want its leniency.
   */
  combiner: z
    .strictObject({
      mode: z.enum(['evidence', 'average']).default('evidence'),
      /** `average` mode: the weight of each assessor's risk (high 0, medium 0.5, low 1). */
      weights: z
        .strictObject({
          NewDevice: z.number().nonnegative().default(1),
          ImpossibleTravel: z.number().nonnegative().default(1),
          UntrustedIP: z.number().nonnegative().default(1),
          Familiarity: z.number().nonnegative().default(0),
        })
        .prefault({}),
      /** `average` mode: `low` at or above `low`, `medium` at or above `medium`. */
      bands: z
        .strictObject({ low: z.number().min(0).max(1).default(0.6), medium: z.number().min(0).max(1).default(0.3) })
        .prefault({})
        .refine((b) => b.medium <= b.low, 'bands.medium must not exceed bands.low'),
      /** `evidence` mode: what each signal adds, in nats (log-likelihood ratio attack : legit), and the bands. */
      evidence: z
        .strictObject({
          /** `low` at or above `lowNats` (e:1 against the user), `medium` at or above `mediumNats`. */
          bands: z
            .strictObject({ lowNats: z.number().default(1), mediumNats: z.number().default(0) })
            .prefault({})
            .refine((b) => b.mediumNats <= b.lowNats, 'bands.mediumNats must not exceed bands.lowNats'),
          /**
           * A user with no familiar history (first login, or none within the window). At or above
           * `bands.lowNats` every such login is challenged; 0 is Auth0's choice (`initial_login`
           * neutral), which lets an attacker through on an account never seen.
           */
          coldStartNats: z.number().default(1),
          /** ImpossibleTravel `low` (impossible, to a place not familiar) and `medium` (by air only, or a new region). */
          travel: z.strictObject({ lowNats: z.number().default(4), mediumNats: z.number().default(0.5) }).prefault({}),
          /** UntrustedIP `low` (abuse, reputation, unroutable lists; traffic) and `medium` (datacenter only). */
          untrustedIp: z.strictObject({ lowNats: z.number().default(4), mediumNats: z.number().default(0.5) }).prefault({}),
          /** A VPN, Tor or proxy exit, counted once whoever reports it; nothing with a known device cookie. */
          anonymizerNats: z.number().default(2),
          /** A known device cookie from a country the user never logged in from (not through an anonymizer). */
          knownDeviceNewCountryNats: z.number().default(4),
          /** A device new to the user (a new cookie, or none from a browser) on a subnet, AS or country new to the user. */
          unknownDeviceNewNetworkNats: z.number().default(3),
        })
        .prefault({}),
    })
    .prefault({}),
  denyRules: z.array(denyRule).default([]),
  lists: z
    .array(listSource)
    .default([])
    .superRefine((lists, ctx) => {
      const seen = new Set<string>();
      for (const [i, { name }] of lists.entries()) {
        if (seen.has(name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `"${name}" is used twice` });
        seen.add(name);
      }
    }),
  /** Treat `assessment_not_available` as neutral instead of low. */
  failOpen: z.boolean().default(false),
  mfa: z
    .strictObject({
      /** Shown in authenticator apps, and the `iss` of result tokens. */
      issuer: z.string().min(1).max(64).default('Vigil'),
      /** Result-token signing keys (ES256 PKCS#8 PEM files); the first signs, all are published. */
      signingKeys: z.array(z.strictObject({ kid: z.string().regex(/^[\w.-]{1,64}$/), privateKeyPath: z.string().min(1) })).default([]),
      webauthn: z
        .strictObject({
          rpId: z.string().min(1).default('localhost'),
          rpName: z.string().min(1).default('Vigil'),
          origins: z.array(z.string().url()).min(1).default(['http://localhost:3000']),
        })
        .prefault({}),
      /**
       * Authenticators (recovery codes aside) one user may hold. A person rarely has more than an
       * app, a security key or two and a phone; the cap bounds what a token can enroll (one once
       * enrolled 25 TOTP apps), the user's MFA hash that every MFA write scans, and WebAuthn's
       * excluded-credentials list (docs/security.md, item 3).
       */
      maxAuthenticatorsPerUser: z.number().int().min(1).max(100).default(10),
      /** Token buckets; defaults are Auth0's published figures (docs/api.md, MFA limits). */
      limits: z
        .strictObject({
          verifyFailures: bucket(10, 360),
          emailsSent: bucket(20, 60),
          webauthnFailures: bucket(15, 4),
          ipVerifyFailures: bucket(100, 36),
          ipEmailsSent: bucket(100, 36),
        })
        .prefault({}),
    })
    .prefault({}),
});

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

// ---- Redis (docs/redis.md): exactly one of a single node, a Cluster, or Sentinels. ----

/** One `host:port` of a Redis Cluster seed list or a Sentinel list. */
export interface RedisNode {
  host: string;
  port: number;
}

/**
 * Where Redis is. `single`: one node (`REDIS_URL`, credentials, database and `rediss://` TLS in
 * the URL). `cluster`: any nodes of a Redis Cluster, from which the client learns the rest.
 * `sentinel`: the Sentinels that name the current master of the group `name`.
 */
export type RedisTarget =
  | { mode: 'single'; url: string }
  | { mode: 'cluster'; nodes: RedisNode[]; username: string | null; password: string | null; tls: boolean }
  | {
      mode: 'sentinel';
      sentinels: RedisNode[];
      name: string;
      username: string | null;
      password: string | null;
      /** The Sentinels' own password, when they require one. */
      sentinelPassword: string | null;
      tls: boolean;
      db: number;
    };

/** The Redis settings the rest of Vigil sees: the target, the key prefix, the per-command timeout. */
export type RedisConfig = RedisTarget & { keyPrefix: string; timeoutMs: number };

const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

const hostPort = /^(?:\[([0-9a-f:.]+)\]|([^\s:,[\]]+)):(\d{1,5})$/i;

/** `host:port,host:port` (IPv6 in brackets) → nodes; throws a readable message. */
function parseNodes(name: string, list: string): RedisNode[] {
  const nodes = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((item) => {
      const m = hostPort.exec(item);
      const port = Number(m?.[3]);
      if (!m || port < 1 || port > 65535) throw new ConfigError(`${name}: "${item}" is not host:port (IPv6 as [addr]:port)`);
      return { host: m[1] ?? m[2]!, port };
    });
  if (nodes.length === 0) throw new ConfigError(`${name} names no host:port`);
  return nodes;
}

function redisEnv() {
  return {
    REDIS_URL: z.string().url().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional(),
    REDIS_CLUSTER_NODES: z.string().min(1).optional(),
    REDIS_SENTINELS: z.string().min(1).optional(),
    REDIS_SENTINEL_NAME: z.string().min(1).optional(),
    REDIS_USERNAME: z.string().min(1).optional(),
    REDIS_PASSWORD: z.string().min(1).optional(),
    REDIS_SENTINEL_PASSWORD: z.string().min(1).optional(),
    REDIS_TLS: bool.optional(),
    REDIS_DB: int(0, 1000).optional(),
    REDIS_KEY_PREFIX: z.string().regex(/^[a-z0-9_:-]*$/i).default('vigil:'),
  };
}

type RedisEnv = z.infer<z.ZodObject<ReturnType<typeof redisEnv>>>;

/** The one Redis target the environment names; a {@link ConfigError} for none-of-one or a setting that does not apply. */
export function redisTarget(v: RedisEnv): RedisTarget {
  const modes = (['REDIS_URL', 'REDIS_CLUSTER_NODES', 'REDIS_SENTINELS'] as const).filter((k) => v[k] !== undefined);
  if (modes.length > 1) throw new ConfigError(`Redis: set one of REDIS_URL, REDIS_CLUSTER_NODES and REDIS_SENTINELS, not ${modes.join(' and ')}`);
  const mode = modes[0] ?? 'REDIS_URL';
  const notHere = (keys: (keyof RedisEnv)[], why: string) => {
    const set = keys.filter((k) => v[k] !== undefined);
    if (set.length > 0) throw new ConfigError(`Redis: ${set.join(', ')} ${set.length > 1 ? 'do' : 'does'} not apply ${why}`);
  };
  if (mode === 'REDIS_URL') {
    notHere(['REDIS_USERNAME', 'REDIS_PASSWORD', 'REDIS_TLS', 'REDIS_DB'], 'to REDIS_URL: a single node takes them in the URL (rediss://user:password@host:port/db)');
    notHere(['REDIS_SENTINEL_NAME', 'REDIS_SENTINEL_PASSWORD'], 'without REDIS_SENTINELS');
    return { mode: 'single', url: v.REDIS_URL ?? DEFAULT_REDIS_URL };
  }
  const auth = { username: v.REDIS_USERNAME ?? null, password: v.REDIS_PASSWORD ?? null, tls: v.REDIS_TLS ?? false };
  if (mode === 'REDIS_CLUSTER_NODES') {
    notHere(['REDIS_DB'], 'to a Redis Cluster: it has database 0 only');
    notHere(['REDIS_SENTINEL_NAME', 'REDIS_SENTINEL_PASSWORD'], 'without REDIS_SENTINELS');
    return { mode: 'cluster', nodes: parseNodes('REDIS_CLUSTER_NODES', v.REDIS_CLUSTER_NODES!), ...auth };
  }
  if (!v.REDIS_SENTINEL_NAME) throw new ConfigError('Redis: REDIS_SENTINELS needs REDIS_SENTINEL_NAME, the name of the master group the Sentinels watch');
  return {
    mode: 'sentinel',
    sentinels: parseNodes('REDIS_SENTINELS', v.REDIS_SENTINELS!),
    name: v.REDIS_SENTINEL_NAME,
    ...auth,
    sentinelPassword: v.REDIS_SENTINEL_PASSWORD ?? null,
    db: v.REDIS_DB ?? 0,
  };
}

// ---- end of Redis ----

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: int(0, 65535).default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  VIGIL_CONFIG: z.string().optional(),
  /** HMAC key for device ids and user agents at rest; ≥ 32 characters. */
  VIGIL_DEVICE_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  VIGIL_FAIL_OPEN: bool.optional(),
  VIGIL_ASSESS_DEADLINE_MS: int(10, 10_000).default(250),
  VIGIL_ASSESSOR_DEADLINE_MS: int(1, 10_000).default(50),
  VIGIL_REDIS_TIMEOUT_MS: int(10, 10_000).default(200),
  VIGIL_BODY_LIMIT_BYTES: int(1024, 1_048_576).default(16_384),
  /** Oldest accepted `timestamp`, in days before now. */
  VIGIL_MAX_TIMESTAMP_AGE_DAYS: int(1, 3650).default(365),
  GEOIP_CITY_PATH: z.string().optional(),
  GEOIP_CITY_IPV6_PATH: z.string().optional(),
  GEOIP_ANONYMOUS_IP_PATH: z.string().optional(),
  /** MaxMind GeoLite2-ASN (or GeoIP2-ISP) `.mmdb`; without it, the bundled `@ip-location-db/asn` data. */
  GEOIP_ASN_PATH: z.string().optional(),
  /** How often each instance checks Redis for new list versions and manual entries. */
  VIGIL_INTEL_SYNC_MS: int(50, 600_000).default(5000),
  /** How often each instance merges its familiarity population counts into Redis (docs/risk-model.md §7). */
  VIGIL_POPULATION_SYNC_MS: int(100, 3_600_000).default(30_000),
  /** Run the BullMQ worker that refreshes list sources in this process. */
  VIGIL_INTEL_WORKER: bool.default(true),
  VIGIL_UA_CACHE_SIZE: int(0, 1_000_000).default(10_000),
  /** Factor-secret encryption keys, `kid:base64(32 bytes)[,kid:...]`; the first encrypts. */
  VIGIL_ENCRYPTION_KEYS: z.string().optional(),
  /** SMTP server for code emails, e.g. smtp://user:pass@mail.example.com:587. */
  SMTP_URL: z.string().url().optional(),
  MAIL_FROM: z.string().min(3).default('Vigil <no-reply@localhost>'),
  /** Phone (SMS/voice) delivery webhook; without it those factors are not offered. */
  VIGIL_PHONE_WEBHOOK_URL: z.string().url().optional(),
  VIGIL_PHONE_WEBHOOK_SECRET: z.string().min(16).optional(),
  VIGIL_GEO_CACHE_SIZE: int(0, 1_000_000).default(100_000),
  /** Server processes sharing the port (node:cluster); 1 runs no primary. */
  VIGIL_WORKERS: int(1, 64).default(1),

  // Exposure and slow clients (docs/security.md).
  /** A request's headers and body must arrive within this; a slower client gets 408 and is cut. */
  VIGIL_REQUEST_TIMEOUT_MS: int(100, 600_000).default(10_000),
  /** `sha256:<hex>` of the bearer key `/metrics` then requires (`npm run keygen -- prometheus --metrics`). */
  VIGIL_METRICS_KEY_HASH: sha256Hex.optional(),
  /** Serve `/metrics` on this port, a listener of its own on HOST, instead of on PORT. */
  VIGIL_METRICS_PORT: int(1, 65535).optional(),
  /** Serve the OpenAPI UI and document at `/docs`; default on, off in production. */
  VIGIL_DOCS: bool.optional(),

  // Redis faults (docs/operations.md, "Redis faults").
  /** How often each instance looks for the data marker, to notice that Redis lost its data. */
  VIGIL_REDIS_MARKER_CHECK_MS: int(50, 600_000).default(1000),
  /** After a data loss, empty histories count as unavailable (fail closed) for this long; 0: never. */
  VIGIL_DATA_LOSS_FAIL_CLOSED_HOURS: int(0, 8760).default(24),
  /** SMTP connection, greeting and idle-socket timeouts: a hung server frees its delivery slot after this. */
  VIGIL_SMTP_TIMEOUT_MS: int(1000, 120_000).default(10_000),
  /** On SIGTERM/SIGINT, answer `/health/ready` with 503 for this long before closing the listener. */
  VIGIL_SHUTDOWN_GRACE_MS: int(0, 600_000).default(5000),
  ...redisEnv(),
});

export type FileConfig = z.infer<typeof fileSchema>;
export type ClientConfig = FileConfig['clients'][number];
export type ApplicationConfig = FileConfig['applications'][string];
export type DenyRule = FileConfig['denyRules'][number];
export type CombinerConfig = FileConfig['combiner'];
export type ListSourceConfig = FileConfig['lists'][number];
export type TrafficConfig = FileConfig['assessors']['traffic'];
export type FamiliarityConfig = FileConfig['familiarity'];

/** The parsed configuration, as the rest of Vigil sees it. */
export interface Config extends FileConfig {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  redis: RedisConfig;
  deviceSecret: string;
  /** True when no device secret was configured and the development default is in use. */
  deviceSecretIsDefault: boolean;
  assessDeadlineMs: number;
  assessorDeadlineMs: number;
  bodyLimitBytes: number;
  maxTimestampAgeDays: number;
  geo: { cityPath: string | null; cityIpv6Path: string | null; anonymousIpPath: string | null; asnPath: string | null };
  intel: { syncIntervalMs: number; worker: boolean };
  /** How often the population counts are merged into Redis, ms. */
  populationSyncMs: number;
  uaCacheSize: number;
  encryptionKeys: SealingKey[];
  /** True when no encryption key was configured and the development default is in use. */
  encryptionKeyIsDefault: boolean;
  /** `timeoutMs`: SMTP connection, greeting and idle-socket timeouts (`VIGIL_SMTP_TIMEOUT_MS`, default 10,000). */
  smtp: { url: string | null; from: string; timeoutMs: number };
  phoneWebhook: { url: string; secret: string | null } | null;
  /** GeoIP answers kept per address in an LRU (0: none). */
  geoCacheSize: number;
  /** Server processes (`VIGIL_WORKERS`); above 1 a node:cluster primary forks them. */
  workers: number;

  // Exposure and slow clients (docs/security.md).
  /** Time for a request's headers and body to arrive, ms (`VIGIL_REQUEST_TIMEOUT_MS`, default 10,000). */
  requestTimeoutMs: number;
  /** `/metrics`: the key hash it requires (null: open), and the port of its own listener (null: served on PORT). */
  metricsEndpoint: { keyHash: string | null; port: number | null };
  /** Serve `/docs` (`VIGIL_DOCS`; default: not in production). */
  docs: boolean;

  // Redis faults (docs/operations.md, "Redis faults").
  /**
   * The data marker: looked at every `checkIntervalMs` (`VIGIL_REDIS_MARKER_CHECK_MS`, default
   * 1,000); after a loss, empty histories fail closed for `failClosedHours`
   * (`VIGIL_DATA_LOSS_FAIL_CLOSED_HOURS`, default 24; 0: never).
   */
  redisData: { checkIntervalMs: number; failClosedHours: number };
  /** Time a not-ready instance keeps serving before it closes, ms (`VIGIL_SHUTDOWN_GRACE_MS`, default 5,000). */
  shutdownGraceMs: number;
}

/** Development-only device secret, so device ids survive restarts on a laptop. */
export const DEV_DEVICE_SECRET = 'vigil-development-device-secret-do-not-use-in-production';

/** Development-only factor-secret key (all zero bytes is as good as any known key: none). */
const DEV_ENCRYPTION_KEY: SealingKey = { kid: 'dev', key: Buffer.alloc(32) };

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function formatIssues(source: string, error: z.ZodError): string {
  const lines = error.issues.map((i) => `  - ${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
  return `Invalid configuration in ${source}:\n${lines.join('\n')}`;
}

/**
 * Refuse application names that every JavaScript object inherits (`constructor`, `toString`,
 * `__proto__`...): request names are looked up with own-property checks, but such a name in the
 * file would be a trap for any plain lookup, and zod drops a `__proto__` key without a word
 * (docs/security.md, item 1).
 */
function refuseInheritedApplicationNames(raw: unknown): void {
  const apps = typeof raw === 'object' && raw !== null ? (raw as { applications?: unknown }).applications : undefined;
  if (typeof apps !== 'object' || apps === null) return;
  for (const name of Object.keys(apps)) {
    if (name in Object.prototype) {
      throw new ConfigError(`Invalid configuration: application name "${name}" is reserved (every JavaScript object has it); choose another`);
    }
  }
}

/**
 * Parse environment and config file once. Throws {@link ConfigError} with every problem listed.
 * `overrides` lets tests pass a file config object instead of a path.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, fileOverride?: unknown): Config {
  const e = envSchema.safeParse(env);
  if (!e.success) throw new ConfigError(formatIssues('environment', e.error));
  const vars = e.data;
  const redis = redisTarget(vars);

  let raw: unknown = fileOverride ?? {};
  if (fileOverride === undefined && vars.VIGIL_CONFIG) {
    let text: string;
    try {
      text = readFileSync(vars.VIGIL_CONFIG, 'utf8');
    } catch (err) {
      throw new ConfigError(`Cannot read VIGIL_CONFIG file ${vars.VIGIL_CONFIG}: ${(err as Error).message}`);
    }
    try {
      raw = JSON.parse(text);
    } catch (err) {
      throw new ConfigError(`VIGIL_CONFIG file ${vars.VIGIL_CONFIG} is not valid JSON: ${(err as Error).message}`);
    }
  }
  refuseInheritedApplicationNames(raw);
  const f = fileSchema.safeParse(raw);
  if (!f.success) throw new ConfigError(formatIssues(vars.VIGIL_CONFIG ?? 'config', f.error));
  const file = f.data;

  if (vars.NODE_ENV === 'production' && !vars.VIGIL_DEVICE_SECRET) {
    throw new ConfigError(
      'VIGIL_DEVICE_SECRET is required in production (≥ 32 random characters, e.g. `openssl rand -base64 48`): ' +
        'device ids are stored only as HMACs under this key.',
    );
  }
  const ids = new Set<string>();
  for (const c of file.clients) {
    if (ids.has(c.id)) throw new ConfigError(`Invalid configuration: client id "${c.id}" appears twice`);
    ids.add(c.id);
    for (const app of c.applications) {
      if (!Object.hasOwn(file.applications, app)) {
        throw new ConfigError(`Invalid configuration: client "${c.id}" names unknown application "${app}"`);
      }
    }
  }
  for (const rule of file.denyRules) {
    for (const app of rule.applications) {
      if (!Object.hasOwn(file.applications, app)) {
        throw new ConfigError(`Invalid configuration: deny rule "${rule.name}" names unknown application "${app}"`);
      }
    }
  }
  if (vars.VIGIL_METRICS_PORT !== undefined && vars.VIGIL_METRICS_PORT === vars.PORT) {
    throw new ConfigError('VIGIL_METRICS_PORT must differ from PORT: it is a listener of its own');
  }
  if (vars.NODE_ENV === 'production' && !vars.VIGIL_ENCRYPTION_KEYS) {
    throw new ConfigError(
      'VIGIL_ENCRYPTION_KEYS is required in production: "<kid>:<base64 of 32 random bytes>", e.g. ' +
        '`k1:$(openssl rand -base64 32)`. It encrypts TOTP seeds and other factor secrets at rest.',
    );
  }
  let encryptionKeys: SealingKey[];
  try {
    encryptionKeys = vars.VIGIL_ENCRYPTION_KEYS ? parseSealingKeys(vars.VIGIL_ENCRYPTION_KEYS) : [DEV_ENCRYPTION_KEY];
    if (encryptionKeys.length === 0 || encryptionKeys.some((k) => k.key.length !== 32)) {
      throw new Error('every key must be 32 bytes, base64-encoded');
    }
  } catch (err) {
    throw new ConfigError(`VIGIL_ENCRYPTION_KEYS is invalid: ${(err as Error).message}`);
  }
  // Requests that name no application use "default"; it always exists.
  file.applications.default ??= application.parse({});

  return {
    ...file,
    failOpen: vars.VIGIL_FAIL_OPEN ?? file.failOpen,
    env: vars.NODE_ENV,
    host: vars.HOST,
    port: vars.PORT,
    logLevel: vars.LOG_LEVEL,
    redis: { ...redis, keyPrefix: vars.REDIS_KEY_PREFIX, timeoutMs: vars.VIGIL_REDIS_TIMEOUT_MS },
    deviceSecret: vars.VIGIL_DEVICE_SECRET ?? DEV_DEVICE_SECRET,
    deviceSecretIsDefault: !vars.VIGIL_DEVICE_SECRET,
    assessDeadlineMs: vars.VIGIL_ASSESS_DEADLINE_MS,
    assessorDeadlineMs: vars.VIGIL_ASSESSOR_DEADLINE_MS,
    bodyLimitBytes: vars.VIGIL_BODY_LIMIT_BYTES,
    maxTimestampAgeDays: vars.VIGIL_MAX_TIMESTAMP_AGE_DAYS,
    geo: {
      cityPath: vars.GEOIP_CITY_PATH ?? null,
      cityIpv6Path: vars.GEOIP_CITY_IPV6_PATH ?? null,
      anonymousIpPath: vars.GEOIP_ANONYMOUS_IP_PATH ?? null,
      asnPath: vars.GEOIP_ASN_PATH ?? null,
    },
    intel: { syncIntervalMs: vars.VIGIL_INTEL_SYNC_MS, worker: vars.VIGIL_INTEL_WORKER },
    populationSyncMs: vars.VIGIL_POPULATION_SYNC_MS,
    uaCacheSize: vars.VIGIL_UA_CACHE_SIZE,
    encryptionKeys,
    encryptionKeyIsDefault: !vars.VIGIL_ENCRYPTION_KEYS,
    smtp: { url: vars.SMTP_URL ?? null, from: vars.MAIL_FROM, timeoutMs: vars.VIGIL_SMTP_TIMEOUT_MS },
    phoneWebhook: vars.VIGIL_PHONE_WEBHOOK_URL
      ? { url: vars.VIGIL_PHONE_WEBHOOK_URL, secret: vars.VIGIL_PHONE_WEBHOOK_SECRET ?? null }
      : null,
    geoCacheSize: vars.VIGIL_GEO_CACHE_SIZE,
    workers: vars.VIGIL_WORKERS,

    requestTimeoutMs: vars.VIGIL_REQUEST_TIMEOUT_MS,
    metricsEndpoint: { keyHash: vars.VIGIL_METRICS_KEY_HASH ?? null, port: vars.VIGIL_METRICS_PORT ?? null },
    docs: vars.VIGIL_DOCS ?? vars.NODE_ENV !== 'production',

    redisData: { checkIntervalMs: vars.VIGIL_REDIS_MARKER_CHECK_MS, failClosedHours: vars.VIGIL_DATA_LOSS_FAIL_CLOSED_HOURS },
    shutdownGraceMs: vars.VIGIL_SHUTDOWN_GRACE_MS,
  };
}
