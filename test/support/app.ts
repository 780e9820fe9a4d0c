import type { FastifyInstance } from 'fastify';
import { buildDeps, type BuiltDeps } from '../../src/compose.js';
import { loadConfig, type Config } from '../../src/config.js';
import { hashApiKey } from '../../src/http/auth.js';
import { buildApp } from '../../src/http/app.js';

export const KEYS = {
  web: 'vk_test_web_0123456789abcdefghijklmnopqrstuv',
  ropg: 'vk_test_ropg_0123456789abcdefghijklmnopqrstu',
  replay: 'vk_test_replay_0123456789abcdefghijklmnopqrs',
  admin: 'vk_test_admin_0123456789abcdefghijklmnopqrst',
} as const;

/**
 * A config file object with three clients (plain, trusted for forwarded-for, allowed timestamps)
 * and an admin. A user's first login is allowed, as Auth0 does (`coldStartNats` 0), so tests of
 * other paths can build history by logging in; the default, which challenges it, has tests of
 * its own (test/http/cold-start.test.ts).
 */
export function testFileConfig(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    combiner: { evidence: { coldStartNats: 0 } },
    clients: [
      { id: 'web', keyHash: hashApiKey(KEYS.web) },
      { id: 'ropg', keyHash: hashApiKey(KEYS.ropg), trustForwardedFor: true },
      { id: 'replay', keyHash: hashApiKey(KEYS.replay), allowTimestamp: true },
    ],
    admins: [{ id: 'ops', keyHash: hashApiKey(KEYS.admin) }],
    ...extra,
  };
}

export interface TestApp {
  app: FastifyInstance;
  deps: BuiltDeps;
  config: Config;
  close(): Promise<void>;
}

/**
 * The real app over a real Redis (the test's own), with silent logs and an optional fake clock.
 * `redisUrl` names a single node; `redisEnv` sets the Redis variables another way (a Cluster's
 * `REDIS_CLUSTER_NODES`, Sentinels: `TestCluster.env`, `TestSentinel.env`).
 */
export async function makeTestApp(opts: {
  redisUrl?: string;
  redisEnv?: Record<string, string>;
  file?: Record<string, unknown>;
  env?: Record<string, string>;
  now?: () => number;
  /** Wait for the Redis connection before returning (default true). */
  waitForRedis?: boolean;
}): Promise<TestApp> {
  const config = loadConfig(
    {
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      ...(opts.redisUrl !== undefined ? { REDIS_URL: opts.redisUrl } : {}),
      ...opts.redisEnv,
      VIGIL_DEVICE_SECRET: 'x'.repeat(32),
      // Generous deadlines: a loaded 2-core CI box must not turn slow into "unavailable".
      // Tests about deadlines set the production values themselves.
      VIGIL_REDIS_TIMEOUT_MS: '2000',
      VIGIL_ASSESS_DEADLINE_MS: '5000',
      VIGIL_ASSESSOR_DEADLINE_MS: '1000',
      ...opts.env,
    },
    opts.file ?? testFileConfig(),
  );
  const deps = await buildDeps(config, opts.now ? { now: opts.now } : {});
  const app = await buildApp(deps);
  await app.ready();
  if (opts.waitForRedis !== false) await waitForRedis(deps);
  return {
    app,
    deps,
    config,
    async close() {
      await app.close();
      await deps.close();
    },
  };
}

/** Wait until the app's Redis connections are up (request commands fail fast while they are not). */
export async function waitForRedis(deps: BuiltDeps, timeoutMs = 5000): Promise<void> {
  await deps.redis.ready(timeoutMs);
}

export function bearer(key: string): Record<string, string> {
  return { authorization: `Bearer ${key}` };
}
