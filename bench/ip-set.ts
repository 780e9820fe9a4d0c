/**
 * IpSet lookup throughput on random IPv4 (and IPv6) networks: `npx tsx bench/ip-set.ts [networks]`.
 * Prints build time and lookups/s for addresses given as text, the way requests arrive.
 */
import { formatIpv4, formatIpv6 } from '../src/intel/address.js';
import { IpSet } from '../src/intel/ip-set.js';

const n = Number(process.argv[2] ?? 100_000);
let seed = 42;
const rand32 = () => {
  // xorshift32: fast and deterministic, so runs compare.
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return seed >>> 0;
};

function bench(label: string, set: IpSet<{ network: string }>, queries: string[], family: 4 | 6) {
  let hits = 0;
  for (let round = 0; round < 3; round++) {
    const t0 = process.hrtime.bigint();
    for (const q of queries) if (set.lookup(q, family)) hits++;
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    if (round === 2) {
      console.log(`${label}: ${(queries.length / s / 1e6).toFixed(2)} M lookups/s (${((s / queries.length) * 1e9).toFixed(0)} ns each, hit rate ${(hits / 3 / queries.length).toFixed(2)})`);
    }
  }
}

const v4 = Array.from({ length: n }, () => ({ network: `${formatIpv4(rand32())}/${16 + (rand32() % 17)}` }));
let t0 = performance.now();
const set4 = IpSet.build(v4);
console.log(`IPv4: built ${n} networks (${set4.size} after nesting) in ${(performance.now() - t0).toFixed(0)} ms`);
bench('IPv4', set4, Array.from({ length: 1_000_000 }, () => formatIpv4(rand32())), 4);

const v6 = Array.from({ length: n }, () => ({
  network: `${formatIpv6([0x20000000 | (rand32() & 0x0fffffff), rand32(), 0, 0])}/${32 + (rand32() % 33)}`,
}));
t0 = performance.now();
const set6 = IpSet.build(v6);
console.log(`IPv6: built ${n} networks (${set6.size} after nesting) in ${(performance.now() - t0).toFixed(0)} ms`);
bench('IPv6', set6, Array.from({ length: 1_000_000 }, () => formatIpv6([0x20000000 | (rand32() & 0x0fffffff), rand32(), rand32(), rand32()])), 6);
