/**
 * IP list matching at scale: `node --expose-gc --import tsx bench/ip-lists.ts [networks] [rounds]`
 * (default 1,000,000 networks, 5 rounds).
 *
 * Loads the real lists in ../shared/data/iplists when they are there (ipsum, X4BNet VPN and
 * datacenter, IPv4 and IPv6) and fills up to `networks` with synthetic ones (about 70% IPv4,
 * 30% IPv6, the mix of the real lists), then prints: the refresh job's compile time (parse the
 * list text and index it), the swap an instance does (decode the stored set), memory, and
 * lookups per second for addresses given as text, the way requests arrive, half of them inside
 * listed networks. Lookup figures are the median of the rounds.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatIpv4, formatIpv6 } from '../src/intel/lists/address.js';
import { parseCidr } from '../src/intel/lists/cidr.js';
import { compileSource } from '../src/intel/lists/compile-source.js';
import { IpIntel } from '../src/intel/lists/intel.js';
import { IpSet } from '../src/intel/lists/ip-set.js';
import { parseListText } from '../src/intel/lists/list-file.js';

const total = Number(process.argv[2] ?? 1_000_000);
const rounds = Number(process.argv[3] ?? 5);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

let seed = 42;
const rand32 = () => {
  // xorshift32: fast and deterministic, so runs compare.
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return seed >>> 0;
};
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const ms = (t0: number) => `${(performance.now() - t0).toFixed(0)} ms`;

// Real lists first, when the shared data is there.
const dataDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared', 'data', 'iplists');
const real: string[] = [];
for (const [file, minCount] of [
  ['ipsum.txt', 1],
  ['x4bnet-vpn-ipv4.txt', 0],
  ['x4bnet-vpn-ipv6.txt', 0],
  ['x4bnet-datacenter-ipv4.txt', 0],
  ['x4bnet-datacenter-ipv6.txt', 0],
] as const) {
  const path = join(dataDir, file);
  if (existsSync(path)) real.push(...parseListText(readFileSync(path, 'utf8'), { minCount }).networks);
}
const networks = real.slice(0, total);
while (networks.length < total) {
  if (rand32() % 10 < 7) networks.push(`${formatIpv4(rand32())}/${20 + (rand32() % 13)}`);
  else networks.push(`${formatIpv6([0x20000000 | (rand32() & 0x1fffffff), rand32(), rand32(), 0])}/${[32, 40, 48, 56, 64, 128][rand32() % 6]}`);
}
const v6Count = networks.filter((n) => n.includes(':')).length;
console.log(
  `networks: ${networks.length.toLocaleString('en')} (${real.length ? `${Math.min(real.length, total).toLocaleString('en')} real from ${dataDir}, ` : 'no real lists found, '}` +
    `${(networks.length - Math.min(real.length, total)).toLocaleString('en')} synthetic; ${(networks.length - v6Count).toLocaleString('en')} IPv4, ${v6Count.toLocaleString('en')} IPv6)`,
);

// The refresh job: list text in, compiled set out (once per change, on one instance).
const text = Buffer.from(networks.join('\n'));
let t0 = performance.now();
const { set: compiled } = compileSource(text, { format: 'netset', category: 'reputation' }, null, Math.floor(Date.now() / 1000));
console.log(`compile (parse + index, the refresh job): ${ms(t0)} → ${compiled.size.toLocaleString('en')} ranges after dropping nested blocks`);
t0 = performance.now();
const encoded = compiled.encode();
console.log(`encode for Redis: ${ms(t0)}, ${mb(encoded.byteLength)}`);

// The swap every instance does when a new version appears.
t0 = performance.now();
const set = IpSet.decode(encoded);
console.log(`decode + index (blocks each instance once per new version): ${ms(t0)}`);
gc();
const mem = process.memoryUsage();
console.log(
  `memory of the set: ${mb(set.byteLength)} in typed arrays (${(set.byteLength / set.size).toFixed(1)} bytes a network); ` +
    `whole bench process: ${mb(mem.rss)} RSS, ${mb(mem.heapUsed)} heap, ${mb(mem.arrayBuffers)} array buffers (the set, the list text and its encoding)`,
);

// Queries: half inside a listed network (random host bits), half random addresses.
function inside(network: string): string {
  const c = parseCidr(network)!;
  if (c.family === 4) return formatIpv4((c.start | (rand32() & (c.end ^ c.start))) >>> 0);
  return formatIpv6(Array.from(c.start, (s, k) => (s | (rand32() & (c.end[k]! ^ s))) >>> 0));
}
type Query = { ip: string; family: 4 | 6 };
const make = (family: 4 | 6, n: number): Query[] => {
  const pool = networks.filter((x) => x.includes(':') === (family === 6));
  return Array.from({ length: n }, (_, i) => ({
    ip: i % 2 ? inside(pool[rand32() % pool.length]!) : family === 4 ? formatIpv4(rand32()) : formatIpv6([0x20000000 | (rand32() & 0x1fffffff), rand32(), rand32(), rand32()]),
    family,
  }));
};
const q4 = make(4, 1_000_000);
const q6 = make(6, 1_000_000);
const mixed = Array.from({ length: 1_000_000 }, (_, i) => (i % 10 < 7 ? q4[i]! : q6[i]!));
// Most logins come from listed nowhere: the random half only.
const clean = mixed.filter((_, i) => i % 2 === 0);

function bench(label: string, queries: Query[], lookup: (q: Query) => boolean): void {
  const rates: number[] = [];
  let hits = 0;
  for (let r = 0; r < rounds; r++) {
    hits = 0;
    const start = process.hrtime.bigint();
    for (const q of queries) if (lookup(q)) hits++;
    rates.push(queries.length / (Number(process.hrtime.bigint() - start) / 1e9));
  }
  const median = rates.sort((a, b) => a - b)[Math.floor(rates.length / 2)]!;
  console.log(`  ${label.padEnd(46)} ${(median / 1e6).toFixed(2)} M lookups/s (${(1e9 / median).toFixed(0)} ns each, hit rate ${(hits / queries.length).toFixed(2)})`);
}

const intel = new IpIntel([{ name: 'bench', category: 'reputation' }]);
intel.install('bench', 1, set);
console.log(`lookups, median of ${rounds} rounds (one core):`);
bench('IpSet, IPv4', q4, (q) => set.lookup(q.ip, 4) >= 0);
bench('IpSet, IPv6', q6, (q) => set.lookup(q.ip, 6) >= 0);
bench('IpSet, 70% IPv4 / 30% IPv6', mixed, (q) => set.lookup(q.ip, q.family) >= 0);
bench('IpIntel.lookup (bogons + this list + manual)', mixed, (q) => intel.lookup(q.ip, q.family).length > 0);
bench('IpIntel.lookup, random addresses only', clean, (q) => intel.lookup(q.ip, q.family).length > 0);
