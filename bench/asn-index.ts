/**
 * The bundled ASN index: `node --expose-gc --import tsx bench/asn-index.ts [rounds]` (default 5).
 *
 * Prints what a process pays at boot for the `@ip-location-db/asn` data: compiling the CSVs
 * (what the first process after an install does), decoding the cached compiled file (what every
 * later process does), the memory the index holds, and lookups per second for addresses given as
 * text, the way requests arrive. Timings are the median of the rounds; the cache lives in a
 * temporary folder that is removed at the end.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatIpv4 } from '../src/intel/lists/address.js';
import { AsnIndex } from '../src/intel/asn/asn-index.js';
import { bundledAsnFiles, compileAsnCsv } from '../src/intel/load-bundled-asn.js';
import { openAsnLookup } from '../src/intel/open-asn-lookup.js';

const rounds = Number(process.argv[2] ?? 5);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

const files = bundledAsnFiles();
console.log(`@ip-location-db/asn ${files.version}: ${mb(statSync(files.ipv4).size)} IPv4 CSV, ${mb(statSync(files.ipv6).size)} IPv6 CSV`);

const compileMs: number[] = [];
let index: AsnIndex | null = null;
for (let r = 0; r < rounds; r++) {
  index = null;
  gc();
  const t0 = performance.now();
  index = compileAsnCsv(readFileSync(files.ipv4, 'utf8'), readFileSync(files.ipv6, 'utf8'));
  compileMs.push(performance.now() - t0);
}
const built = index!;
const encoded = built.encode();
const decodeMs: number[] = [];
for (let r = 0; r < rounds; r++) {
  const t0 = performance.now();
  AsnIndex.decode(encoded);
  decodeMs.push(performance.now() - t0);
}
// What one index holds once built: measured around a decode, which is what a process keeps.
index = null;
gc();
const before = process.memoryUsage();
const held = AsnIndex.decode(encoded);
gc();
const after = process.memoryUsage();
console.log(`ranges: ${built.size.v4} IPv4, ${built.size.v6} IPv6, ${built.size.asns} ASes`);
console.log(`compile (read + parse + index): ${median(compileMs).toFixed(0)} ms median of ${rounds}`);
console.log(`decode of the cached file (${mb(encoded.byteLength)}): ${median(decodeMs).toFixed(1)} ms median`);
console.log(`memory: typed arrays ${mb(held.byteLength)}; heap + array buffers of one index ${mb(after.heapUsed - before.heapUsed + after.arrayBuffers - before.arrayBuffers)}`);

// Through openAsnLookup with a fresh cache folder: the first process compiles and writes, the
// memo answers the second call in the same process.
const cacheDir = mkdtempSync(join(tmpdir(), 'vigil-asn-bench-'));
try {
  const t0 = performance.now();
  const lookup = await openAsnLookup({ asnPath: null }, { cacheDir });
  const first = performance.now() - t0;
  const t1 = performance.now();
  await openAsnLookup({ asnPath: null }, { cacheDir });
  console.log(`openAsnLookup: first ${first.toFixed(0)} ms (${lookup.info.source === 'bundled' ? lookup.info.from : ''}), memoised ${(performance.now() - t1).toFixed(2)} ms`);

  let seed = 42;
  const rand32 = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return seed >>> 0;
  };
  const ips = Array.from({ length: 100_000 }, () => formatIpv4(rand32()));
  const perSecond: number[] = [];
  let hits = 0;
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    for (const ip of ips) if (lookup.lookup(ip, 4) !== null) hits++;
    perSecond.push(ips.length / ((performance.now() - t) / 1000));
  }
  console.log(`lookups (IPv4 text): ${(median(perSecond) / 1e6).toFixed(2)} M/s median; ${((hits / (ips.length * rounds)) * 100).toFixed(0)}% of random addresses have an AS`);
} finally {
  rmSync(cacheDir, { recursive: true, force: true });
}
