/**
 * `npm run bench`: Vigil under load against a bare fastify route measured in the same run.
 *
 * Starts its own redis-server on a free port (never the one on 6379), seeds a population
 * (users with 1–4 devices, real user agents, home addresses that resolve in the bundled GeoIP
 * database), starts Vigil in production mode (one process, and `--workers N` processes) and a
 * bare fastify server, and drives each with autocannon over loopback, in rounds, so every ratio
 * compares numbers taken minutes apart on the same machine. Then the growth curves: latency
 * against one user's history length and against deny-list size. Prints tables and writes the
 * same as JSON under `bench/results/`. `--help` lists the flags.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, type Config } from '../src/config.js';
import { openGeoLocator } from '../src/intel/geo-locator.js';
import { IpIntel } from '../src/intel/lists/intel.js';
import { runLoad, type LoadResult } from './support/load.js';
import { runPaced } from './support/paced.js';
import { DEFAULT_MIX, denyNetworks, knownLogin, loadUserAgents, makeBodies, makeUsers, publicPlaces, rng } from './support/population.js';
import { loadAverage, nodeArgs, processTree, rssBytes, startNode, usage, VIGIL_NODE_FLAGS, waitHttp, type Child } from './support/processes.js';
import { freePort } from '../src/platform/free-port.js';
import { commandDelta, meanMemoryUsage, meanUserMemory, readRedis, scanKeys, startBenchRedis, type BenchRedis } from './support/redis-server.js';
import { benchStore, seedLongHistory, seedUsers } from './support/seed.js';
import { benchFileConfig, makeBenchSecrets } from './support/secrets.js';
import { scrapeCounters } from './support/vigil-metrics.js';
import { fmt, median, table } from './support/table.js';

const HELP = `npm run bench -- [flags]

  --duration S           seconds per measured run (default 10)
  --connections N        concurrent connections (default 50)
  --users N              seeded population (default 100000)
  --rounds N             rounds of baseline / Vigil / Vigil ×workers; the table shows medians (default 3)
  --warmup S             unmeasured seconds before each server's first run (default 3)
  --workers N            also measure VIGIL_WORKERS=N processes; 0 or 1 skips it (default 2)
  --deny N               networks on the deny list of the main runs (default 10000)
  --history-lengths L    logins in one user's history for the growth curve (default 1,10,100,1000)
  --deny-sizes L         deny-list sizes for the growth curve (default 10,1000,100000,1000000)
  --growth-duration S    seconds per growth point and round (default 3)
  --growth-rounds N      rounds over the growth points; the curves show medians (default 3)
  --growth-connections N connections for growth points (default 10)
  --no-growth            skip the growth curves
  --floors               also measure Vigil with the assessment taken out (bench/floor-server.ts): its HTTP layer
                         answering a fixed answer, and that plus the assessment's Redis load and commit; same rounds
  --compare DIRS         also measure other Vigil builds (comma-separated trees with a built dist/src/main.js,
                         each optionally DIR#--node-flags to run it with), same rounds
  --profile              write a V8 CPU profile of the one-process Vigil (--cpu-prof) into the output folder
  --out DIR              where the JSON (and profiles) go (default bench/results)
  --seed N               population seed (default 42)
  --ua-file PATH         user-agent strings, one a line (default: ../shared/data/ua/uap-core-user-agents.txt when present, else built in)
  --smoke                a few seconds on a small population: checks the bench runs, not speed
`;

/** Paced loads, as shares of the one-process throughput measured in the rounds. */
const PACED_SHARES = [0.25, 0.5, 0.75];

const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    users: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '3' },
    workers: { type: 'string', default: '2' },
    deny: { type: 'string', default: '10000' },
    'history-lengths': { type: 'string', default: '1,10,100,1000' },
    'deny-sizes': { type: 'string', default: '10,1000,100000,1000000' },
    'growth-duration': { type: 'string', default: '3' },
    'growth-rounds': { type: 'string', default: '3' },
    'growth-connections': { type: 'string', default: '10' },
    'no-growth': { type: 'boolean', default: false },
    floors: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    compare: { type: 'string', default: '' },
    out: { type: 'string', default: 'bench/results' },
    seed: { type: 'string', default: '42' },
    'ua-file': { type: 'string' },
    smoke: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (flags.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

const num = (name: keyof typeof flags, min: number): number => {
  const v = Number(flags[name]);
  if (!Number.isFinite(v) || v < min) throw new Error(`--${name} must be a number ≥ ${min}, got ${String(flags[name])}`);
  return v;
};
const list = (name: 'history-lengths' | 'deny-sizes') => String(flags[name]).split(',').filter(Boolean).map(Number);
const smoke = flags.smoke;
const opt = {
  durationSec: smoke ? 1 : num('duration', 1),
  connections: smoke ? 10 : num('connections', 1),
  users: smoke ? 300 : num('users', 1),
  rounds: smoke ? 1 : num('rounds', 1),
  warmupSec: smoke ? 0 : num('warmup', 0),
  workers: smoke ? 2 : num('workers', 0),
  deny: smoke ? 100 : num('deny', 0),
  historyLengths: smoke ? [1, 20] : list('history-lengths'),
  denySizes: smoke ? [10, 1000] : list('deny-sizes'),
  growthSec: smoke ? 1 : num('growth-duration', 1),
  growthRounds: smoke ? 1 : num('growth-rounds', 1),
  growthConnections: smoke ? 4 : num('growth-connections', 1),
  growth: !flags['no-growth'],
  // The smoke run starts one, so the floor server cannot rot unnoticed.
  floors: smoke || flags.floors,
  profile: flags.profile,
  // `DIR` or `DIR#--node-flag --other`: a build, and the node flags to run it with instead of npm start's.
  compare: String(flags.compare).split(',').filter(Boolean).map((spec) => {
    const [dir = '.', nodeFlags] = spec.split('#');
    return { dir: resolve(dir), nodeFlags: nodeFlags === undefined ? VIGIL_NODE_FLAGS : nodeFlags.split(' ').filter(Boolean) };
  }),
  out: resolve(flags.out),
  seed: num('seed', 0),
};

const log = (s = '') => process.stdout.write(`${s}\n`);
const work = mkdtempSync(join(tmpdir(), 'vigil-bench-'));
const secrets = makeBenchSecrets(work);
mkdirSync(opt.out, { recursive: true });
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const serverLog = join(work, 'servers.log');

interface Server extends Child {
  name: string;
  url: string;
  path: string;
  headers: Record<string, string>;
  stderr(): string;
}

function fileConfig(listPath: string | null): Record<string, unknown> {
  // Lists are shared through Redis by name: each file gets its own name, or the Vigils of the
  // deny-list curve would all serve whichever version was compiled first.
  return benchFileConfig(secrets, listPath ? [{ name: basename(listPath, '.txt'), path: listPath, category: 'abuse' }] : []);
}

function writeList(name: string, lines: readonly string[]): string {
  const p = join(work, `${name}.txt`);
  writeFileSync(p, `# bench deny list\n${lines.join('\n')}\n`);
  return p;
}

async function startVigil(
  name: string,
  redis: BenchRedis,
  listPath: string | null,
  workers: number,
  profile = false,
  entry: string[] = [...VIGIL_NODE_FLAGS, ...nodeArgs('../src/main')],
  keyPrefix = 'vigil:',
  extraEnv: Record<string, string> = {},
): Promise<Server & { bootMs: number }> {
  const port = await freePort();
  // The name may carry node flags with paths in them (--compare DIR#--flag=/x): not a file name.
  const cfgPath = join(work, `${name.replace(/[^\w.@×-]+/g, '_')}.json`);
  writeFileSync(cfgPath, JSON.stringify(fileConfig(listPath)));
  const t0 = performance.now();
  const args = [...(profile ? ['--cpu-prof', `--cpu-prof-dir=${opt.out}`, `--cpu-prof-name=vigil-${stamp}.cpuprofile`] : []), ...entry];
  const child = startNode(
    args,
    {
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: keyPrefix,
      VIGIL_CONFIG: cfgPath,
      VIGIL_DEVICE_SECRET: secrets.deviceSecret,
      VIGIL_ENCRYPTION_KEYS: secrets.encryptionKeys,
      VIGIL_WORKERS: String(workers),
      LOG_LEVEL: 'info',
      ...extraEnv,
    },
    serverLog,
  );
  const url = `http://127.0.0.1:${port}`;
  await waitHttp(`${url}/health/ready`, child);
  if (listPath) await waitListLoaded(url, basename(listPath, '.txt'), child);
  if (workers > 1) {
    // Every worker must be up before measuring: wait until the primary has forked them all.
    const until = Date.now() + 120_000;
    while (processTree(child.pid).length < workers + 1 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 2000));
  }
  return { ...child, name, url, path: '/v1/assess', headers: { authorization: `Bearer ${secrets.apiKey}` }, bootMs: performance.now() - t0 };
}

/**
 * Lists are compiled off the request path after boot, so an instance is ready before its list
 * is: wait until /health/ready reports it loaded (a version above 0).
 */
async function waitListLoaded(url: string, name: string, child: Child & { stderr(): string }, timeoutMs = 300_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    // The checks are the admin's to see (docs/security.md, item 6).
    const ready = await fetch(`${url}/health/ready`, { headers: { authorization: `Bearer ${secrets.adminKey}` } });
    const body = (await ready.json()) as { checks?: { lists?: { name: string; version: number | null; status?: string }[] } };
    const lists = body.checks?.lists ?? [];
    if ((lists.find((l) => l.name === name)?.version ?? 0) > 0) return;
    if (child.proc.exitCode !== null) throw new Error(`server exited while loading lists:\n${child.stderr()}`);
    if (Date.now() > until) throw new Error(`lists not loaded after ${timeoutMs} ms: ${JSON.stringify(lists)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function startBare(): Promise<Server> {
  const port = await freePort();
  const child = startNode(nodeArgs('bare-server'), { PORT: String(port), NODE_ENV: 'production' }, serverLog);
  const url = `http://127.0.0.1:${port}`;
  await waitHttp(`${url}/health/ready`, child);
  return { ...child, name: 'bare fastify', url, path: '/v1/assess', headers: { authorization: `Bearer ${secrets.apiKey}` } };
}

interface Measurement {
  server: string;
  load: LoadResult;
  /** Per request: Redis read events (≈ round trips), commands (incl. inside scripts), CPU µs. */
  redis: { reads: number; commands: number; cpuUs: number; byCommand: Record<string, number>; usecByCommand: Record<string, number> };
  serverCpuUs: number;
  /** Of serverCpuUs, the part in the kernel (sys time): sockets, wakeups. */
  serverSysUs: number;
  /** The server's read and write system calls per request. */
  serverSyscalls: number;
  loadGenCpuUs: number;
  rssBytes: number;
  loadAvg: number[];
  /** Vigil only: event-loop delay during the run, GC pauses in it (one worker's view with workers). */
  runtime?: Runtime;
}

async function measure(server: Server, redis: BenchRedis, bodies: readonly string[], durationSec: number, connections: number, rate?: number): Promise<Measurement> {
  const pids = processTree(server.pid);
  const isVigil = server.name !== 'bare fastify';
  const rt0 = isVigil ? await runtime(server) : null;
  const r0 = await readRedis(redis.client);
  const u0 = usage(pids);
  const g0 = process.cpuUsage();
  const o = { url: server.url, path: server.path, headers: server.headers, bodies, durationSec, connections };
  const load = rate ? await runPaced({ ...o, rate }) : await runLoad(o);
  const g1 = process.cpuUsage(g0);
  const u1 = usage(pids);
  const r1 = await readRedis(redis.client);
  const rt1 = rt0 ? await runtime(server) : null;
  const n = Math.max(load.requests, 1);
  const perRequest = (d: Record<string, number>) => Object.fromEntries(Object.entries(d).map(([k, v]) => [k, v / n]));
  const byCommand = perRequest(commandDelta(r0, r1));
  return {
    server: server.name,
    load,
    redis: {
      reads: (r1.reads - r0.reads) / n,
      commands: Object.values(byCommand).reduce((a, b) => a + b, 0),
      cpuUs: ((r1.cpuSec - r0.cpuSec) * 1e6) / n,
      byCommand,
      usecByCommand: perRequest(commandDelta(r0, r1, 'usecByCommand')),
    },
    serverCpuUs: ((u1.cpuSec - u0.cpuSec) * 1e6) / n,
    serverSysUs: ((u1.sysSec - u0.sysSec) * 1e6) / n,
    serverSyscalls: (u1.syscalls - u0.syscalls) / n,
    loadGenCpuUs: ((g1.user + g1.system) / n),
    rssBytes: rssBytes(pids),
    loadAvg: loadAverage(),
    ...(rt0 && rt1
      ? { runtime: { ...rt1, gcCount: rt1.gcCount - rt0.gcCount, gcMs: rt1.gcMs - rt0.gcMs, gcOver10Ms: rt1.gcOver10Ms - rt0.gcOver10Ms } }
      : {}),
  };
}

/** Vigil's own view of its event loop and garbage collector, from prom-client's default metrics. */
interface Runtime {
  /** Event-loop delay since the previous scrape (prom-client resets it on every scrape), ms. */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  /** GC pauses so far, all kinds: count, total ms, and how many took over 10 ms. */
  gcCount: number;
  gcMs: number;
  gcOver10Ms: number;
}

async function runtime(server: Server): Promise<Runtime> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const r: Runtime = { loopDelayP99Ms: 0, loopDelayMaxMs: 0, gcCount: 0, gcMs: 0, gcOver10Ms: 0 };
  for (const line of text.split('\n')) {
    const m = /^vigil_nodejs_(eventloop_lag_p99_seconds|eventloop_lag_max_seconds|gc_duration_seconds_(?:count|sum|bucket))(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const v = Number(m[3]);
    if (m[1] === 'eventloop_lag_p99_seconds') r.loopDelayP99Ms = v * 1000;
    else if (m[1] === 'eventloop_lag_max_seconds') r.loopDelayMaxMs = v * 1000;
    else if (m[1] === 'gc_duration_seconds_count') r.gcCount += v;
    else if (m[1] === 'gc_duration_seconds_sum') r.gcMs += v * 1000;
    else if (m[2]?.includes('le="0.01"')) r.gcOver10Ms -= v;
  }
  r.gcOver10Ms += r.gcCount;
  return r;
}

function row(label: string, ms: Measurement[], bareRps: number[]): (string | number)[] {
  const rps = ms.map((m) => m.load.rps);
  const ratios = ms.map((m, i) => m.load.rps / bareRps[i]!);
  const isBare = ms[0]?.redis.commands === 0;
  const redisCol = (f: (m: Measurement) => number, d: number) => (isBare ? '-' : fmt.dec(median(ms.map(f)), d));
  return [
    label,
    fmt.int(median(rps)),
    fmt.dec(median(ms.map((m) => m.load.latencyMs.p50)), 0),
    fmt.dec(median(ms.map((m) => m.load.latencyMs.p99)), 0),
    fmt.dec(median(ms.map((m) => m.load.latencyMs.p99_9)), 0),
    fmt.ratio(median(ratios)),
    redisCol((m) => m.redis.reads, 2),
    redisCol((m) => m.redis.commands, 1),
    redisCol((m) => m.redis.cpuUs, 1),
    fmt.int(median(ms.map((m) => m.serverCpuUs))),
    fmt.int(median(ms.map((m) => m.loadGenCpuUs))),
    fmt.mb(median(ms.map((m) => m.rssBytes))),
    String(ms.reduce((a, m) => a + m.load.non2xx + m.load.errors, 0)),
  ];
}
const HEAD = ['server', 'req/s', 'p50 ms', 'p99 ms', 'p99.9 ms', '× bare', 'redis rt/req', 'redis cmd/req', 'redis CPU µs/req', 'server CPU µs/req', 'loadgen CPU µs/req', 'RSS', 'errors'];

/** Stops what the run started (servers, redis-server), also on Ctrl-C. */
const cleanups: (() => Promise<void>)[] = [];
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void (async () => {
      for (const c of cleanups.reverse()) await c().catch(() => {});
      rmSync(work, { recursive: true, force: true });
      process.exit(130);
    })();
  });
}

async function main(): Promise<void> {
  const started = new Date();
  const result: Record<string, unknown> = {
    started: started.toISOString(),
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    options: opt,
    machine: { cpus: cpus().length, parallelism: availableParallelism(), model: cpus()[0]?.model, node: process.version, loadAvgAtStart: loadAverage() },
  };
  try {
    log(`Vigil bench — ${started.toISOString()}, node ${process.version}, ${availableParallelism()} cores, load average ${loadAverage().join(' ')}`);
    log(`${opt.users.toLocaleString('en-US')} users, ${opt.connections} connections, ${opt.durationSec} s × ${opt.rounds} rounds, deny list ${opt.deny.toLocaleString('en-US')} networks`);

    const redis = await startBenchRedis();
    cleanups.push(() => redis.stop());
    const config: Config = loadConfig({ NODE_ENV: 'production', VIGIL_DEVICE_SECRET: secrets.deviceSecret, VIGIL_ENCRYPTION_KEYS: secrets.encryptionKeys, LOG_LEVEL: 'silent' }, fileConfig(null));

    // Population: addresses that resolve, users, the deny list, request bodies.
    let t = performance.now();
    const rand = rng(opt.seed);
    const geo = await openGeoLocator(config.geo);
    const bogons = new IpIntel([]);
    const uas = loadUserAgents(flags['ua-file']);
    const { places, tried } = publicPlaces(Math.min(opt.users, 50_000) + 2000, geo, bogons, rand);
    const users = makeUsers(opt.users, places.slice(0, -2000), uas.browsers, rand);
    const deny = denyNetworks(opt.deny, rand);
    const denyPath = writeList('deny-main', deny.lines);
    const pop = { users, places, uas: uas.browsers, denyHits: deny.hits };
    const { bodies, kinds } = makeBodies(smoke ? 2000 : 50_000, pop, rand);
    log(`population: ${places.length} public addresses with coordinates (${tried} tried), ${uas.browsers.length} browser user agents from ${uas.source}; ${((performance.now() - t) / 1000).toFixed(1)} s`);

    t = performance.now();
    const mem0 = await readRedis(redis.client);
    const { store, keys, close: closeSeed } = await benchStore(redis.url, config);
    const nowMs = Date.now();
    const commits = await seedUsers(store, config, users, nowMs, rand);
    closeSeed();
    const mem1 = await readRedis(redis.client);
    // A user is their history hash, the familiarity among its fields.
    const sample = users.filter((_, i) => i % Math.max(1, Math.floor(users.length / 1000)) === 0).map((u) => [keys.user(u.id)]);
    const perUser = await meanUserMemory(redis.client, sample);
    log(`seeded ${commits.toLocaleString('en-US')} logins in ${((performance.now() - t) / 1000).toFixed(1)} s: ${fmt.int(perUser.mean)} B per user (MEMORY USAGE, ${perUser.n} sampled), ${fmt.int((mem1.usedMemory - mem0.usedMemory) / users.length)} B per user (used_memory growth)`);
    result.population = { users: users.length, commits, places: places.length, userAgents: uas.browsers.length, userAgentSource: uas.source, mix: DEFAULT_MIX, bodies: bodies.length, kinds };

    // Servers.
    const bare = await startBare();
    cleanups.push(() => bare.stop());
    const vigil = await startVigil('vigil', redis, denyPath, 1, opt.profile);
    cleanups.push(() => vigil.stop());
    const targets: Server[] = [bare, vigil];
    let cluster: (Server & { bootMs: number }) | null = null;
    if (opt.workers > 1) {
      cluster = await startVigil(`vigil ×${opt.workers}`, redis, denyPath, opt.workers);
      cleanups.push(() => cluster!.stop());
      targets.push(cluster);
    }
    for (const { dir, nodeFlags } of opt.compare) {
      const name = `vigil@${basename(dir)}${nodeFlags === VIGIL_NODE_FLAGS ? '' : ` ${nodeFlags.join(' ')}`}`;
      const other = await startVigil(name, redis, denyPath, 1, false, [...nodeFlags, join(dir, 'dist/src/main.js')]);
      cleanups.push(() => other.stop());
      targets.push(other);
    }
    // Floors: measured in the rounds beside the rest, left out of the paced runs.
    const floors: Server[] = [];
    if (opt.floors) {
      // Their fixed answer is a seeded user's login from a known device at home: the common case.
      const typical = JSON.stringify(knownLogin(users[0]!, users[0]!.devices[0]!));
      for (const floor of ['http', 'redis'] as const) {
        const env = { FLOOR: floor, FLOOR_BODY: typical, FLOOR_AUTH: `Bearer ${secrets.apiKey}` };
        const name = floor === 'http' ? 'floor: http' : 'floor: +redis';
        const s = await startVigil(name, redis, denyPath, 1, false, [...VIGIL_NODE_FLAGS, ...nodeArgs('floor-server')], 'vigil:', env);
        cleanups.push(() => s.stop());
        floors.push(s);
      }
      targets.push(...floors);
    }
    log(`Vigil ready in ${fmt.int(vigil.bootMs)} ms${cluster ? `, ×${opt.workers} in ${fmt.int(cluster.bootMs)} ms` : ''}`);

    // Rounds: each server once per round, so slow drifts in machine load hit all alike.
    const runs = new Map<string, Measurement[]>(targets.map((s) => [s.name, []]));
    if (opt.warmupSec > 0) {
      for (const s of targets) await runLoad({ url: s.url, path: s.path, headers: s.headers, bodies, durationSec: opt.warmupSec, connections: opt.connections });
    }
    for (let r = 0; r < opt.rounds; r++) {
      for (const s of targets) {
        const m = await measure(s, redis, bodies, opt.durationSec, opt.connections);
        runs.get(s.name)!.push(m);
        log(`  round ${r + 1} ${s.name.padEnd(12)} ${fmt.int(m.load.rps).padStart(7)} req/s  p99 ${m.load.latencyMs.p99} ms  load avg ${m.loadAvg[0]}`);
      }
    }
    const bareRps = runs.get(bare.name)!.map((m) => m.load.rps);
    // Latency below saturation: closed-loop latency at N connections is N / throughput by
    // Little's law, so p99 is also measured under a steady, paced load at fractions of the
    // measured throughput (open loop, over the same number of connections).
    const vigilRps = median(runs.get(vigil.name)!.map((m) => m.load.rps));
    // The bare route too, at the same rates: the tail that this machine and the load
    // generator alone give, below which no server's can go.
    const paced: { server: string; share: number; rate: number; m: Measurement }[] = [];
    for (const share of PACED_SHARES) {
      const rate = Math.max(1, Math.round(vigilRps * share));
      for (const s of targets) {
        if (!floors.includes(s)) paced.push({ server: s.name, share, rate, m: await measure(s, redis, bodies, opt.durationSec, opt.connections, rate) });
      }
    }
    const counters = await scrapeCounters(vigil.url);

    // What the load left in Redis: assessment records (10-minute TTL) beside the users.
    const recordKeys = await scanKeys(redis.client, `${config.redis.keyPrefix}{a:*`, 500);
    const perRecord = await meanMemoryUsage(redis.client, recordKeys);
    const perUserAfter = await meanUserMemory(redis.client, sample);

    log('');
    log(`POST /v1/assess, ${opt.connections} connections, medians of ${opt.rounds} × ${opt.durationSec} s (ratio: per round, to the bare route of that round)`);
    log(table(HEAD, targets.map((s) => row(s.name, runs.get(s.name)!, bareRps))));
    const kernel = targets.map((s) => {
      const ms = runs.get(s.name)!;
      const sys = median(ms.map((m) => m.serverSysUs));
      return `${s.name} ${fmt.int(sys)} µs (${Math.round((100 * sys) / Math.max(median(ms.map((m) => m.serverCpuUs)), 1e-9))}%), ${fmt.dec(median(ms.map((m) => m.serverSyscalls)), 1)} syscalls`;
    });
    log(`of the server's CPU per request, in the kernel; and its read/write system calls per request: ${kernel.join('; ')}`);
    log('');
    log(`Under a paced (open-loop) load at shares of one process's throughput, ${opt.connections} connections, ${opt.durationSec} s each; latency from when each request was due; the bare route at the same rates is the machine's floor`);
    log(table(
      ['server', 'offered', 'req/s', 'p50 ms', 'p99 ms', 'p99.9 ms', 'server CPU µs/req', 'loop delay p99/max ms', 'GC ms/s', 'GC > 10 ms', 'errors'],
      paced.map(({ server, share, rate, m }) => [
        server, `${Math.round(share * 100)}%`, fmt.int(rate), String(m.load.latencyMs.p50), String(m.load.latencyMs.p99), String(m.load.latencyMs.p99_9),
        fmt.int(m.serverCpuUs),
        m.runtime ? `${m.runtime.loopDelayP99Ms.toFixed(1)} / ${m.runtime.loopDelayMaxMs.toFixed(1)}` : '',
        m.runtime ? (m.runtime.gcMs / m.load.durationSec).toFixed(1) : '',
        m.runtime ? String(m.runtime.gcOver10Ms) : '',
        String(m.load.non2xx + m.load.errors + m.load.timeouts),
      ]),
    ));
    log('');
    const total = Object.values(counters.action ?? {}).reduce((a, b) => a + b, 0);
    const share = (o: Record<string, number> | undefined) =>
      Object.entries(o ?? {})
        .map(([k, v]) => `${k} ${((100 * v) / Math.max(total, 1)).toFixed(1)}%`)
        .join(', ');
    log(`answers (one process): ${share(counters.action)}; confidence ${share(counters.confidence)}; commits ${JSON.stringify(counters.commits ?? {})}; history unavailable ${JSON.stringify(counters.history_unavailable ?? {})}`);
    // Only assessments not committed at once store a record (src/risk/assessment-id.ts).
    const storedShare = total > 0 ? 1 - (counters.commits?.ok ?? 0) / total : 0;
    log(`Redis memory: ${fmt.int(perUser.mean)} B per seeded user, ${fmt.int(perUserAfter.mean)} B after the load (MEMORY USAGE over ${perUser.n} users); ` +
      `${fmt.int(perRecord.mean)} B per stored assessment record, stored for ${(100 * storedShare).toFixed(1)}% of assessments ` +
      `(kept 10 min: at ${fmt.int(vigilRps)} assessments/s that is ${fmt.mb(vigilRps * storedShare * 600 * perRecord.mean)} live)`);
    result.main = {
      runs: Object.fromEntries(runs),
      medians: Object.fromEntries(
        targets.map((s) => {
          const ms = runs.get(s.name)!;
          return [s.name, {
            rps: median(ms.map((m) => m.load.rps)),
            ratioToBare: median(ms.map((m, i) => m.load.rps / bareRps[i]!)),
            p50Ms: median(ms.map((m) => m.load.latencyMs.p50)),
            p99Ms: median(ms.map((m) => m.load.latencyMs.p99)),
            p99_9Ms: median(ms.map((m) => m.load.latencyMs.p99_9)),
            redisRoundTripsPerReq: median(ms.map((m) => m.redis.reads)),
            redisCommandsPerReq: median(ms.map((m) => m.redis.commands)),
            redisCpuUsPerReq: median(ms.map((m) => m.redis.cpuUs)),
            serverCpuUsPerReq: median(ms.map((m) => m.serverCpuUs)),
            serverSysUsPerReq: median(ms.map((m) => m.serverSysUs)),
            serverSyscallsPerReq: median(ms.map((m) => m.serverSyscalls)),
            loadGenCpuUsPerReq: median(ms.map((m) => m.loadGenCpuUs)),
            rssBytes: median(ms.map((m) => m.rssBytes)),
          }];
        }),
      ),
      paced: paced.map(({ server, share, rate, m }) => ({ ...m, server, share, rate })),
      counters,
      memory: { bytesPerUserSeeded: perUser.mean, bytesPerUserAfterLoad: perUserAfter.mean, usedMemoryPerUserSeeded: (mem1.usedMemory - mem0.usedMemory) / users.length, sampledUsers: perUser.n, bytesPerAssessmentRecord: perRecord.mean, storedRecordShare: storedShare, assessmentRecordTtlSec: 600 },
      boot: { vigilMs: vigil.bootMs, clusterMs: cluster?.bootMs ?? null },
    };
    if (cluster) {
      await cluster.stop();
    }
    if (opt.profile) {
      await vigil.stop();
      log(`CPU profile of the one-process Vigil written to ${opt.out}/vigil-${stamp}.cpuprofile`);
    }

    if (opt.growth) {
      result.growth = await growth(redis, config, pop, opt.profile ? null : vigil);
    }
    if (!opt.profile) await vigil.stop();
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => {});
    result.finished = new Date().toISOString();
    result.loadAvgAtEnd = loadAverage();
    const outFile = join(opt.out, `bench-${stamp}.json`);
    writeFileSync(outFile, `${JSON.stringify(result, null, 2)}\n`);
    log('');
    log(`JSON: ${outFile}`);
    rmSync(work, { recursive: true, force: true });
  }
}

async function growth(
  redis: BenchRedis,
  config: Config,
  pop: { users: ReturnType<typeof makeUsers>; places: ReturnType<typeof publicPlaces>['places']; uas: string[]; denyHits: string[] },
  running: (Server & { bootMs: number }) | null,
): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const rand = rng(opt.seed + 1);
  const { store, keys, close: closeSeed } = await benchStore(redis.url, config);
  cleanups.push(async () => closeSeed());

  const med = (ms: Measurement[], f: (m: Measurement) => number) => median(ms.map(f));

  // 1. One user's history length: a known device after N committed logins, each on another
  // device. Points alternate round by round, like the main runs.
  const vigil = running ?? (await startVigil('vigil-history', redis, null, 1));
  const home = pop.places[0]!;
  const points: { n: number; userId: string; body: string; runs: Measurement[] }[] = [];
  for (const n of opt.historyLengths) {
    const userId = `auth0|history-${n}`;
    const last = await seedLongHistory(store, config, userId, n, home, pop.uas, Date.now());
    points.push({ n, userId, body: JSON.stringify({ user_id: userId, ip: home.ip, user_agent: last.userAgent, device_id: last.deviceId }), runs: [] });
  }
  for (let r = 0; r < opt.growthRounds; r++) {
    for (const p of points) p.runs.push(await measure(vigil, redis, [p.body], opt.growthSec, opt.growthConnections));
  }
  const hist: Record<string, unknown>[] = [];
  for (const p of points) {
    hist.push({
      logins: p.n,
      rps: med(p.runs, (m) => m.load.rps),
      p50Ms: med(p.runs, (m) => m.load.latencyMs.p50),
      p99Ms: med(p.runs, (m) => m.load.latencyMs.p99),
      serverCpuUs: med(p.runs, (m) => m.serverCpuUs),
      redisCpuUs: med(p.runs, (m) => m.redis.cpuUs),
      redisCommands: med(p.runs, (m) => m.redis.commands),
      userBytes: (await meanUserMemory(redis.client, [[keys.user(p.userId)]])).mean,
      hashFields: await redis.client.hlen(keys.user(p.userId)),
      runs: p.runs,
    });
  }
  if (!running) await vigil.stop();
  log('');
  log(`Growth: one user's history length (known device; ${opt.growthConnections} connections, medians of ${opt.growthRounds} × ${opt.growthSec} s)`);
  log(table(
    ['logins', 'req/s', 'p50 ms', 'p99 ms', 'server CPU µs/req', 'redis CPU µs/req', 'redis cmd/req', 'user bytes', 'hash fields'],
    hist.map((h) => [fmt.int(h.logins as number), fmt.int(h.rps as number), String(h.p50Ms), String(h.p99Ms), fmt.int(h.serverCpuUs as number), fmt.dec(h.redisCpuUs as number), fmt.dec(h.redisCommands as number), fmt.int(h.userBytes as number), String(h.hashFields)]),
  ));
  out.historyLength = hist;

  // 2. Deny-list size: a Vigil per size, all booted first, then measured in alternating rounds
  // with the usual mix, deny-listed requests drawn from that size's list.
  const denies: { size: number; v: Server & { bootMs: number }; bodies: string[]; runs: Measurement[] }[] = [];
  try {
    for (const size of opt.denySizes) {
      const d = denyNetworks(size, rng(opt.seed + size));
      const path = writeList(`deny-${size}`, d.lines);
      const bodies = makeBodies(smoke ? 1000 : 20_000, { ...pop, denyHits: d.hits }, rand).bodies;
      // Its own key prefix: instances sharing a prefix share list refresh schedules, and each
      // drops the schedules of lists it does not configure. Its users start unknown (the first
      // pass of bodies creates them), alike for every size.
      const v = await startVigil(`vigil-deny-${size}`, redis, path, 1, false, undefined, `vigil-deny-${size}:`);
      denies.push({ size, v, bodies, runs: [] });
    }
    for (const d of denies) {
      if (opt.warmupSec > 0) await runLoad({ url: d.v.url, path: d.v.path, headers: d.v.headers, bodies: d.bodies, durationSec: opt.warmupSec, connections: opt.growthConnections });
    }
    for (let r = 0; r < opt.growthRounds; r++) {
      for (const d of denies) d.runs.push(await measure(d.v, redis, d.bodies, opt.growthSec, opt.growthConnections));
    }
  } finally {
    for (const d of denies) await d.v.stop();
  }
  const sizes = denies.map((d) => ({
    networks: d.size,
    bootMs: d.v.bootMs,
    rps: med(d.runs, (m) => m.load.rps),
    p50Ms: med(d.runs, (m) => m.load.latencyMs.p50),
    p99Ms: med(d.runs, (m) => m.load.latencyMs.p99),
    serverCpuUs: med(d.runs, (m) => m.serverCpuUs),
    rssBytes: med(d.runs, (m) => m.rssBytes),
    runs: d.runs,
  }));
  log('');
  log(`Growth: deny-list size (the request mix, ${opt.growthConnections} connections, medians of ${opt.growthRounds} × ${opt.growthSec} s; a Vigil per size, own key prefix)`);
  log(table(
    ['networks', 'boot ms', 'req/s', 'p50 ms', 'p99 ms', 'server CPU µs/req', 'RSS'],
    sizes.map((s) => [fmt.int(s.networks), fmt.int(s.bootMs), fmt.int(s.rps), String(s.p50Ms), String(s.p99Ms), fmt.int(s.serverCpuUs), fmt.mb(s.rssBytes)]),
  ));
  out.denyListSize = sizes;
  return out;
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
