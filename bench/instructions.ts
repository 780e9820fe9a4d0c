/**
 * Instructions per request, counted by valgrind's callgrind: the server's own user-space
 * work, over real sockets, for the bare baseline route and one or more Vigil builds.
 * `npm run bench:instructions -- --trees .,/path/to/other/build`.
 *
 * Times on this shared machine move by ±8% between identical builds; instruction counts do
 * not depend on what else runs, so steps of 1–3% show. Each server runs under
 * `valgrind --tool=callgrind` (some 50× slower); after a warm-up that lets V8 optimise, the
 * counters are zeroed, `--requests` requests are sent with `--connections` in flight, and the
 * counters are dumped: the total over the requests is the figure. Kernel time (sockets,
 * wakeups) is not counted, and the Redis client's batching depends on timing, so counts move
 * by a few tenths of a percent between runs. Needs `valgrind` on the PATH; run it alone.
 *
 * A count is not a time; confirm a step with a clock (`bench/cost.ts`, `npm run bench -- --compare`,
 * or the piece timed alone) before keeping it. Two ways they have disagreed here: valgrind's
 * CPU has no SHA extensions, so OpenSSL takes its AVX2 path and SHA-256 counts dearer than it
 * runs; and string building counts cheap where its cost lands later, when the string is
 * flattened for the write (bench/README.md, "What each optimisation moved").
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { openGeoLocator } from '../src/intel/geo-locator.js';
import { IpIntel } from '../src/intel/lists/intel.js';
import { DEFAULT_MIX, loadUserAgents, makeBodies, makeUsers, publicPlaces, rng, type Kind } from './support/population.js';
import { childEnv, nodeArgs, VIGIL_NODE_FLAGS, waitHttp, type Child } from './support/processes.js';
import { freePort } from '../src/platform/free-port.js';
import { startBenchRedis } from './support/redis-server.js';
import { benchStore, seedUsers } from './support/seed.js';
import { benchFileConfig, makeBenchSecrets } from './support/secrets.js';
import { scrapeCounters } from './support/vigil-metrics.js';
import { countsOf, named, type Counts } from './support/callgrind.js';
import { fmt, table } from './support/table.js';

const { values: flags } = parseArgs({
  options: {
    trees: { type: 'string', default: '.' },
    users: { type: 'string', default: '5000' },
    warmup: { type: 'string', default: '4000' },
    requests: { type: 'string', default: '2000' },
    connections: { type: 'string', default: '10' },
    'no-bare': { type: 'boolean', default: false },
    top: { type: 'string', default: '0' },
    keep: { type: 'boolean', default: false },
    'known-only': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (flags.help) {
  process.stdout.write(
    [
      'npm run bench:instructions -- [flags]',
      '  --trees DIRS      Vigil builds to count (trees with a built dist/src/main.js), comma-separated (default .)',
      '  --users N         seeded population (default 5000)',
      '  --warmup N        requests before counting, for V8 to optimise (default 4000)',
      '  --requests N      counted requests (default 2000)',
      '  --connections N   requests in flight (default 10)',
      '  --no-bare         skip the bare fastify route',
      '  --top N           also list the N costliest functions of each server (JavaScript named by --perf-basic-prof)',
      '  --keep            keep the callgrind dumps (for callgrind_annotate) and say where',
      '  --known-only      only known-device logins from home, allowed and committed by every build: the',
      '                    cost of the same decisions, not of a mix whose decisions differ between builds',
      '',
    ].join('\n'),
  );
  process.exit(0);
}
const ZERO_MIX = Object.fromEntries(Object.keys(DEFAULT_MIX).map((k) => [k, 0])) as Record<Kind, number>;
const opt = {
  trees: String(flags.trees).split(',').filter(Boolean).map((t) => resolve(t)),
  users: Number(flags.users),
  warmup: Number(flags.warmup),
  requests: Number(flags.requests),
  connections: Number(flags.connections),
  top: Number(flags.top),
};
const log = (s = '') => process.stdout.write(`${s}\n`);
const ROOT = resolve(fileURLToPath(new URL(import.meta.url.endsWith('.js') ? '../..' : '..', import.meta.url)));

const work = mkdtempSync(join(tmpdir(), 'vigil-instructions-'));
const secrets = makeBenchSecrets(work);
const fileConfig = benchFileConfig(secrets);
const cfgPath = join(work, 'config.json');
writeFileSync(cfgPath, JSON.stringify(fileConfig));

interface Target {
  name: string;
  args: string[];
}

/** One server under callgrind: its process, its port, and how to read and stop it. */
class Counted implements Child {
  readonly proc: ChildProcess;
  readonly pid: number;
  readonly out: string;
  readonly env: Record<string, string>;
  #err = '';
  constructor(
    readonly target: Target,
    readonly port: number,
    env: Record<string, string>,
  ) {
    this.out = join(work, `callgrind.${target.name.replace(/[^\w.@-]+/g, '_')}`);
    this.env = childEnv({ ...env, PORT: String(port) });
    this.proc = spawn('valgrind', ['--tool=callgrind', '--instr-atstart=no', `--callgrind-out-file=${this.out}.%p`, process.execPath, ...target.args], {
      env: this.env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.pid = this.proc.pid!;
    this.proc.stderr!.on('data', (d: Buffer) => {
      this.#err = (this.#err + d.toString()).slice(-8000);
    });
  }

  stderr(): string {
    return this.#err;
  }

  /** callgrind_control on this process: `-i on` instrument, `-z` zero the counters, `-d` dump them. */
  control(...args: string[]): void {
    // vgdb names its pipes after $HOST, which Vigil's env sets: the same env finds them.
    execFileSync('callgrind_control', [...args, String(this.proc.pid)], { env: this.env, stdio: 'ignore' });
  }

  /** Dump the counters and read them (callgrind writes the dump when it next polls). */
  async dump(): Promise<Counts> {
    const before = this.dumps().length;
    this.control('-d');
    const until = Date.now() + 120_000;
    for (;;) {
      const files = this.dumps();
      const newest = files[files.length - 1];
      if (files.length > before && newest) {
        const text = readFileSync(newest, 'utf8');
        // The totals line ends the file: until it is there, the dump is still being written.
        if (/^totals: \d+/m.test(text)) return countsOf(text);
      }
      if (Date.now() > until) throw new Error(`no callgrind dump from ${this.target.name}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** This process's numbered dumps (`callgrind.NAME.PID.N`), oldest first. */
  private dumps(): string[] {
    const prefix = `${basename(this.out)}.${this.proc.pid}.`;
    return readdirSync(work)
      .filter((f) => f.startsWith(prefix))
      .sort((a, b) => Number(a.slice(prefix.length)) - Number(b.slice(prefix.length)))
      .map((f) => join(work, f));
  }

  stop(): Promise<void> {
    return new Promise((r) => {
      if (this.proc.exitCode !== null || this.proc.signalCode !== null) return r();
      const kill = setTimeout(() => this.proc.kill('SIGKILL'), 30_000);
      this.proc.once('exit', () => {
        clearTimeout(kill);
        r();
      });
      this.proc.kill('SIGTERM');
    });
  }
}

/**
 * Send `count` requests, `connections` at a time, over the agent's keep-alive sockets;
 * resolves with the status counts. The same sockets serve the warm-up and the counted
 * requests: opening and closing connections in the counted window made V8 optimise and
 * deoptimise node:net's code there, and compiling was half the count.
 */
async function send(agent: Agent, port: number, path: string, headers: Record<string, string>, bodies: readonly string[], count: number, connections: number, start = 0): Promise<Record<number, number>> {
  const statuses: Record<number, number> = {};
  let next = 0;
  const one = (body: string) =>
    new Promise<number>((res, rej) => {
      const req = request({ host: '127.0.0.1', port, path, method: 'POST', agent, headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (r) => {
        r.resume();
        r.on('end', () => res(r.statusCode ?? 0));
      });
      req.setTimeout(120_000, () => req.destroy(new Error('timeout')));
      req.on('error', rej);
      req.end(body);
    });
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < count) {
        const i = next++;
        const status = await one(bodies[(start + i) % bodies.length]!);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    }),
  );
  return statuses;
}

/** Fail when any assessment went without history: the count would be of another path. */
async function checkHistoryLoaded(c: Counted): Promise<void> {
  const missed = Object.values((await scrapeCounters(`http://127.0.0.1:${c.port}`)).history_unavailable ?? {}).reduce((a: number, b: number) => a + b, 0);
  if (missed > 0) throw new Error(`${c.target.name}: ${missed} assessments went without history under valgrind`);
}

async function main(): Promise<void> {
  execFileSync('valgrind', ['--version']);
  const redis = await startBenchRedis();
  try {
    const config = loadConfig({ NODE_ENV: 'production', VIGIL_DEVICE_SECRET: secrets.deviceSecret, VIGIL_ENCRYPTION_KEYS: secrets.encryptionKeys, LOG_LEVEL: 'silent' }, fileConfig);
    const rand = rng(42);
    const geo = await openGeoLocator(config.geo);
    const uas = loadUserAgents();
    const { places } = publicPlaces(Math.min(opt.users, 50_000) + 2000, geo, new IpIntel([]), rand);
    const users = makeUsers(opt.users, places.slice(0, -2000), uas.browsers, rand);
    // No deny list here: its share of the mix are known-device logins (makeBodies).
    const mix = flags['known-only'] ? { ...ZERO_MIX, known: 1 } : DEFAULT_MIX;
    const { bodies } = makeBodies(opt.warmup + opt.requests, { users, places, uas: uas.browsers, denyHits: [] }, rand, mix);
    const { store, close } = await benchStore(redis.url, config);
    await seedUsers(store, config, users, Date.now(), rand);
    close();
    log(`instructions per request: ${opt.users.toLocaleString('en-US')} users, ${opt.warmup} warm-up and ${opt.requests} counted requests, ${opt.connections} in flight, ${flags['known-only'] ? 'known-device logins only' : 'the usual mix'}, under callgrind`);

    const targets: Target[] = [
      ...(flags['no-bare'] ? [] : [{ name: 'bare fastify', args: nodeArgs('bare-server') }]),
      // This tree runs as the bench does (its dist/, or its sources under tsx); others from their dist/.
      ...opt.trees.map((dir) =>
        dir === ROOT
          ? { name: 'vigil', args: [...VIGIL_NODE_FLAGS, ...nodeArgs('../src/main')] }
          : { name: `vigil@${basename(dir)}`, args: [...VIGIL_NODE_FLAGS, join(dir, 'dist/src/main.js')] },
      ),
      // --perf-basic-prof (for --top) also writes a V8 log: into the work folder, not the tree.
    ].map((t) => (opt.top > 0 ? { ...t, args: ['--perf-basic-prof', `--logfile=${join(work, 'v8-%p.log')}`, ...t.args] } : t));
    const env = {
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      REDIS_URL: redis.url,
      VIGIL_CONFIG: cfgPath,
      VIGIL_DEVICE_SECRET: secrets.deviceSecret,
      VIGIL_ENCRYPTION_KEYS: secrets.encryptionKeys,
      VIGIL_WORKERS: '1',
      LOG_LEVEL: 'warn',
      // Under valgrind everything takes some 50× longer: deadlines fit for full speed would
      // cut assessments short (history unavailable), which is not the path being counted.
      VIGIL_ASSESS_DEADLINE_MS: '10000',
      VIGIL_ASSESSOR_DEADLINE_MS: '10000',
      VIGIL_REDIS_TIMEOUT_MS: '10000',
      // Timers run 50× as often per request as at full speed: the familiarity population merge
      // (every 30 s) would fall several times in the counted window, as it does not at full
      // speed (one merge per ~100,000 assessments). Stretched by the same 50×.
      VIGIL_POPULATION_SYNC_MS: '1500000',
    };
    const headers = { authorization: `Bearer ${secrets.apiKey}` };
    const rows: (string | number)[][] = [];
    let bareIr = 0;
    const perfMaps: string[] = [];
    for (const target of targets) {
      const c = new Counted(target, await freePort(), env);
      try {
        // Under valgrind a boot takes a minute or more.
        await waitHttp(`http://127.0.0.1:${c.port}/health/ready`, c, 600_000);
        const agent = new Agent({ keepAlive: true, maxSockets: opt.connections });
        await send(agent, c.port, '/v1/assess', headers, bodies, opt.warmup, opt.connections);
        c.control('-i', 'on');
        c.control('-z');
        const statuses = await send(agent, c.port, '/v1/assess', headers, bodies, opt.requests, opt.connections, opt.warmup);
        agent.destroy();
        const counts = await c.dump();
        if (target.name !== 'bare fastify') await checkHistoryLoaded(c);
        const all = counts.total / opt.requests;
        const ir = (counts.total - counts.compiler) / opt.requests;
        if (target.name === 'bare fastify') bareIr = ir;
        rows.push([target.name, fmt.int(ir), bareIr ? `${(ir / bareIr).toFixed(2)}×` : '', fmt.int(all), JSON.stringify(statuses)]);
        log(`  ${target.name}: ${fmt.int(ir)} instructions per request without the optimising compiler, ${fmt.int(all)} with it; ${JSON.stringify(statuses)}`);
        if (opt.top > 0) {
          const mapPath = `/tmp/perf-${c.proc.pid}.map`;
          const byName = named(counts.byFunction, existsSync(mapPath) ? readFileSync(mapPath, 'utf8') : null);
          const top = [...byName].sort((a, b) => b[1] - a[1]).slice(0, opt.top);
          log(table(['instructions/request', 'share', 'function (exclusive of callees)'], top.map(([name, n]) => [fmt.int(n / opt.requests), `${((100 * n) / counts.total).toFixed(1)}%`, name.slice(0, 140)])));
          perfMaps.push(mapPath);
        }
      } finally {
        await c.stop();
      }
    }
    log();
    log(table(['server', 'instructions/request', '× bare', 'with the compiler', 'statuses'], rows));
    if (flags.keep) perfMaps.forEach((m) => log(`perf map kept: ${m}`));
    else for (const m of perfMaps) rmSync(m, { force: true });
  } finally {
    await redis.stop();
    if (flags.keep) log(`callgrind dumps kept in ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

await main();
