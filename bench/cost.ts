/**
 * CPU cost per assessment of one or more Vigil builds, without sockets or a load generator:
 * `node dist/bench/cost.js --trees .,/path/to/other/build`. Each build runs in its own process
 * over the same seeded Redis (started here, on a free port), `app.inject()` with 50 requests in
 * flight, in batches timed with `process.cpuUsage()`; builds alternate round by round. The
 * figure per build is the median over rounds of the cheapest batch: on a shared machine,
 * interference only ever adds time, so the least disturbed batch is the best estimate. This is
 * what the optimisation steps in bench/README.md were measured with, beside `npm run bench`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config.js';
import { openGeoLocator } from '../src/intel/geo-locator.js';
import { IpIntel } from '../src/intel/lists/intel.js';
import type { CostJob } from './cost-worker.js';
import { denyNetworks, loadUserAgents, makeBodies, makeUsers, publicPlaces, rng } from './support/population.js';
import { nodeArgs, loadAverage } from './support/processes.js';
import { startBenchRedis } from './support/redis-server.js';
import { benchStore, seedUsers } from './support/seed.js';
import { benchFileConfig, makeBenchSecrets } from './support/secrets.js';
import { fmt, median, table } from './support/table.js';

const { values: flags } = parseArgs({
  options: {
    trees: { type: 'string', default: '.' },
    rounds: { type: 'string', default: '5' },
    users: { type: 'string', default: '20000' },
    batches: { type: 'string', default: '5' },
    'batch-size': { type: 'string', default: '2000' },
  },
});
const ROOT = fileURLToPath(new URL(import.meta.url.endsWith('.js') ? '../..' : '..', import.meta.url));
/** `path` or `path#--node-flag --other-flag`: a build, and node flags to run it with. */
const specs = String(flags.trees).split(',').map((spec) => {
  const [t = '.', nodeFlags = ''] = spec.split('#');
  return { spec, tree: resolve(t === '.' ? ROOT : t), nodeFlags: nodeFlags.split(' ').filter(Boolean) };
});
const trees = specs.map((s) => s.spec);
const label = (spec: string) => {
  const s = specs.find((x) => x.spec === spec)!;
  return `${basename(s.tree)}${s.nodeFlags.length ? ` ${s.nodeFlags.join(' ')}` : ''}`;
};
const rounds = Number(flags.rounds);
const work = mkdtempSync(join(tmpdir(), 'vigil-cost-'));
const secrets = makeBenchSecrets(work);
const { apiKey, deviceSecret, encryptionKeys } = secrets;

const redis = await startBenchRedis();
try {
  const rand = rng(42);
  const deny = denyNetworks(10_000, rand);
  const listPath = join(work, 'deny.txt');
  writeFileSync(listPath, deny.lines.join('\n'));
  const fileConfig = benchFileConfig(secrets, [{ name: 'deny', path: listPath, category: 'abuse' }]);
  const config = loadConfig({ NODE_ENV: 'production', VIGIL_DEVICE_SECRET: deviceSecret, VIGIL_ENCRYPTION_KEYS: encryptionKeys }, fileConfig);
  const geo = await openGeoLocator(config.geo);
  const uas = loadUserAgents();
  const { places } = publicPlaces(Number(flags.users) + 2000, geo, new IpIntel([]), rand);
  const users = makeUsers(Number(flags.users), places, uas.browsers, rand);
  const seed = await benchStore(redis.url, config);
  await seedUsers(seed.store, config, users, Date.now(), rand);
  seed.close();
  const bodiesPath = join(work, 'bodies.json');
  writeFileSync(bodiesPath, JSON.stringify(makeBodies(50_000, { users, places, uas: uas.browsers, denyHits: deny.hits }, rand).bodies));

  const results = new Map<string, { minCpu: number[]; medCpu: number[]; failed: number }>(trees.map((t) => [t, { minCpu: [], medCpu: [], failed: 0 }]));
  process.stdout.write(`cost per assessment, ${rounds} rounds × ${trees.length} builds, load average ${loadAverage().join(' ')}\n`);
  for (let r = 0; r < rounds; r++) {
    for (const spec of trees) {
      const { tree, nodeFlags } = specs.find((x) => x.spec === spec)!;
      const outPath = join(work, 'out.json');
      const job: CostJob = {
        tree, redisUrl: redis.url, deviceSecret, encryptionKeys, apiKey, fileConfig, bodiesPath,
        warmup: 4000, batches: Number(flags.batches), batchSize: Number(flags['batch-size']), inflight: 50, outPath,
      };
      await new Promise<void>((done, fail) => {
        const p = spawn(process.execPath, [...nodeFlags, ...nodeArgs('cost-worker'), JSON.stringify(job)], { stdio: 'inherit' });
        p.on('exit', (code) => (code === 0 ? done() : fail(new Error(`cost worker for ${tree} exited ${code}`))));
      });
      const out = JSON.parse(readFileSync(outPath, 'utf8')) as { cpuUs: number[]; failed: number };
      const agg = results.get(spec)!;
      agg.minCpu.push(Math.min(...out.cpuUs));
      agg.medCpu.push(median(out.cpuUs));
      agg.failed += out.failed;
      process.stdout.write(`  round ${r + 1} ${label(spec).padEnd(20)} min ${fmt.int(Math.min(...out.cpuUs))} µs, median ${fmt.int(median(out.cpuUs))} µs  (load ${loadAverage()[0]})\n`);
    }
  }
  const base = median(results.get(trees[0]!)!.minCpu);
  process.stdout.write(`\n${table(
    ['build', 'CPU µs/assessment (median of round minima)', 'median of batches', 'vs first', 'non-200'],
    trees.map((t) => {
      const a = results.get(t)!;
      const m = median(a.minCpu);
      return [label(t), fmt.int(m), fmt.int(median(a.medCpu)), fmt.ratio(m / base), String(a.failed)];
    }),
  )}\n`);
} finally {
  await redis.stop();
  rmSync(work, { recursive: true, force: true });
}
process.exit(0);
