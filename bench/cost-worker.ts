/**
 * One Vigil build's CPU cost per assessment, in process: `app.inject()` (no sockets, no load
 * generator) with 50 requests in flight, in batches, timed with `process.cpuUsage()`. Run by
 * `bench/cost.ts`, once per build and round. Argument: a JSON job (see `CostJob`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface CostJob {
  /** A Vigil tree with a built `dist/`. */
  tree: string;
  redisUrl: string;
  deviceSecret: string;
  encryptionKeys: string;
  apiKey: string;
  fileConfig: Record<string, unknown>;
  bodiesPath: string;
  warmup: number;
  batches: number;
  batchSize: number;
  inflight: number;
  outPath: string;
}

const job = JSON.parse(process.argv[2]!) as CostJob;
const mod = async (p: string) => import(pathToFileURL(join(job.tree, 'dist/src', p)).href);
const { loadConfig } = await mod('config.js');
// The composition root is src/compose.ts; builds from before the layout (issue 15) named it build-deps.
const { buildDeps } = await mod('compose.js').catch(() => mod('build-deps.js'));
const { buildApp } = await mod('http/app.js');

const env = {
  NODE_ENV: 'production',
  LOG_LEVEL: 'warn',
  REDIS_URL: job.redisUrl,
  VIGIL_DEVICE_SECRET: job.deviceSecret,
  VIGIL_ENCRYPTION_KEYS: job.encryptionKeys,
};
let config;
try {
  config = loadConfig(env, job.fileConfig);
} catch {
  // Builds from before the MFA module know no `mfa` section.
  const { mfa: _mfa, ...older } = job.fileConfig;
  config = loadConfig(env, older);
}
const deps = await buildDeps(config);
const app = await buildApp(deps);
await app.ready();
// Builds with every connection from one factory say when they are ready; older ones expose
// an ioredis client (and, for a while, the history store's own connection).
if (typeof deps.redis.ready === 'function') await deps.redis.ready(10_000);
else while (deps.redis.status !== 'ready' || (deps.historyRedis && deps.historyRedis.status !== 'ready')) await new Promise((r) => setTimeout(r, 10));

const bodies = JSON.parse(readFileSync(job.bodiesPath, 'utf8')) as string[];
const headers = { authorization: `Bearer ${job.apiKey}`, 'content-type': 'application/json' };
let next = 0;
let failed = 0;

async function run(n: number): Promise<void> {
  let left = n;
  const lane = async () => {
    while (left-- > 0) {
      const res = await app.inject({ method: 'POST', url: '/v1/assess', headers, payload: bodies[next++ % bodies.length]! });
      if (res.statusCode !== 200) failed++;
    }
  };
  await Promise.all(Array.from({ length: job.inflight }, lane));
}

await run(job.warmup);
const cpuUs: number[] = [];
const wallUs: number[] = [];
for (let b = 0; b < job.batches; b++) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await run(job.batchSize);
  const c = process.cpuUsage(c0);
  cpuUs.push((c.user + c.system) / job.batchSize);
  wallUs.push(((performance.now() - t0) * 1000) / job.batchSize);
}
writeFileSync(job.outPath, JSON.stringify({ cpuUs, wallUs, failed }));
await app.close();
await deps.close();
process.exit(0);
