import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config.js';
import { parseIp } from '../../../src/risk/context/ip.js';
import { formatIpv4, formatIpv6 } from '../../../src/intel/lists/address.js';
import { parseCidr } from '../../../src/intel/lists/cidr.js';
import { bundledAsnFiles } from '../../../src/intel/load-bundled-asn.js';
import { openAsnLookup, type AsnLookup } from '../../../src/intel/open-asn-lookup.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/maxmind/${name}`, import.meta.url));
const ASN_DB = fixture('GeoLite2-ASN-Test.mmdb');

/** An address as the request path hands it over: parsed and normalised. */
function lookup(l: AsnLookup, raw: string) {
  const p = parseIp(raw);
  if (!p) throw new Error(`bad test address ${raw}`);
  return l.lookup(p.ip, p.family);
}

const big = (c: ReturnType<typeof parseCidr> & object, which: 'start' | 'end') => {
  const v = c[which];
  return typeof v === 'number' ? BigInt(v) : v.reduce((n, w) => (n << 32n) | BigInt(w), 0n);
};
const wordsOf = (n: bigint) => Uint32Array.from([96n, 64n, 32n, 0n], (s) => Number((n >> s) & 0xffffffffn));

describe('ASN lookup on MaxMind GeoLite2-ASN (the published test database and its source JSON)', () => {
  // The JSON MaxMind builds the test database from: every network with its AS.
  const source = JSON.parse(readFileSync(fixture('GeoLite2-ASN-Test.json'), 'utf8')) as Record<
    string,
    { autonomous_system_number: number; autonomous_system_organization?: string }
  >[];
  const networks = source.map((entry) => {
    const [cidr, rec] = Object.entries(entry)[0]!;
    const c = parseCidr(cidr)!;
    return { c, start: big(c, 'start'), end: big(c, 'end'), asn: rec.autonomous_system_number, org: rec.autonomous_system_organization ?? null };
  });
  /** The most specific listed network holding an address wins, as in the database's tree. */
  const expected = (family: 4 | 6, addr: bigint) => {
    let best: (typeof networks)[number] | null = null;
    for (const n of networks) {
      if (n.c.family === family && n.start <= addr && addr <= n.end && (!best || n.c.prefix > best.c.prefix)) best = n;
    }
    return best && { asn: best.asn, org: best.org };
  };

  let asn: AsnLookup;
  beforeAll(async () => {
    asn = await openAsnLookup({ asnPath: ASN_DB });
  });
  afterAll(() => asn.close());

  it('describes the database', () => {
    expect(asn.info).toMatchObject({ source: 'maxmind', databaseType: 'GeoLite2-ASN', serves: [4, 6] });
  });

  it(`answers the first and last address of each of the ${720} source networks as the JSON says`, () => {
    expect(networks.length).toBe(720);
    for (const n of networks) {
      for (const addr of [n.start, n.end]) {
        const text = n.c.family === 4 ? formatIpv4(Number(addr)) : formatIpv6(wordsOf(addr));
        expect(lookup(asn, text), text).toEqual(expected(n.c.family, addr));
      }
    }
  });

  it('finds nothing outside the listed networks, and normalises IPv4-mapped addresses', () => {
    expect(lookup(asn, '10.0.0.1')).toBeNull();
    expect(lookup(asn, '::ffff:1.0.0.1')).toEqual(lookup(asn, '1.0.0.1'));
    expect(lookup(asn, '1.0.0.1')).toEqual({ asn: 15169, org: 'Google Inc.' });
  });

  it('answers null when the text is not of the family given, and after close', async () => {
    expect(asn.lookup('1.0.0.1', 6)).toBeNull();
    expect(asn.lookup('not an ip', 4)).toBeNull();
    const other = await openAsnLookup({ asnPath: ASN_DB });
    await other.close();
    await other.close();
    expect(other.lookup('1.0.0.1', 4)).toBeNull();
  });

  it('refuses a file that is not an ASN database, or none at all', async () => {
    await expect(openAsnLookup({ asnPath: fixture('GeoIP2-City-Test.mmdb') })).rejects.toThrow(ConfigError);
    await expect(openAsnLookup({ asnPath: fixture('GeoIP2-City-Test.mmdb') })).rejects.toThrow(/not an ASN/);
    await expect(openAsnLookup({ asnPath: fixture('missing.mmdb') })).rejects.toThrow(/Cannot open GEOIP_ASN_PATH/);
  });
});

describe('ASN lookup on the bundled @ip-location-db/asn data', () => {
  const files = bundledAsnFiles();
  let dir: string;
  let asn: AsnLookup;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-asn-test-'));
    asn = await openAsnLookup({ asnPath: null }, { cacheDir: join(dir, 'a') });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Rows of a numeric CSV, read the slow obvious way, with BigInt. */
  function rows(path: string) {
    return readFileSync(path, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const m = /^(\d+),(\d+),(\d+),(.*)$/.exec(line)!;
        const org = m[4]!.startsWith('"') ? m[4]!.slice(1, -1).replaceAll('""', '"') : m[4]!;
        return { start: BigInt(m[1]!), end: BigInt(m[2]!), asn: Number(m[3]), org: org.trim() };
      });
  }

  for (const [family, path] of [
    [4, files.ipv4],
    [6, files.ipv6],
  ] as const) {
    it(`answers sampled IPv${family} rows at their start, middle and end as the CSV says`, () => {
      const all = rows(path);
      expect(all.length).toBeGreaterThan(family === 4 ? 300_000 : 50_000);
      const text = (n: bigint) => (family === 4 ? formatIpv4(Number(n)) : formatIpv6(wordsOf(n)));
      let checked = 0;
      for (let i = 0; i < all.length; i += 997) {
        const r = all[i]!;
        // A row that overlaps its predecessor (one in the IPv4 file) keeps the earlier row's answer.
        const prev = all[i - 1];
        if (r.asn === 0 || (prev && prev.end >= r.start)) continue;
        for (const addr of [r.start, (r.start + r.end) / 2n, r.end]) {
          expect(lookup(asn, text(addr)), text(addr)).toEqual({ asn: r.asn, org: r.org });
        }
        const next = all[i + 1];
        if (r.end < (family === 4 ? 0xffffffffn : 2n ** 128n - 1n) && (!next || next.start > r.end + 1n)) {
          expect(lookup(asn, text(r.end + 1n)), text(r.end + 1n)).toBeNull();
        }
        checked++;
      }
      expect(checked).toBeGreaterThan(50);
    });
  }

  it('says it compiled from the CSVs and wrote the cache; a later process decodes that file', async () => {
    expect(asn.info).toMatchObject({ source: 'bundled', from: 'csv', version: files.version });
    const written = asn.info.source === 'bundled' ? asn.info.cacheFile : null;
    expect(written && existsSync(written)).toBe(true);
    // Another cache folder holding the same file stands for the next process after this one
    // (the memo is keyed by the folder, so this load does not reuse the index above).
    const b = join(dir, 'b');
    mkdirSync(b);
    copyFileSync(written!, join(b, written!.split('/').pop()!));
    const again = await openAsnLookup({ asnPath: null }, { cacheDir: b });
    expect(again.info).toMatchObject({ source: 'bundled', from: 'cache' });
    expect(lookup(again, '1.1.1.1')).toEqual(lookup(asn, '1.1.1.1'));
  });

  it('shares one index per process: a second open is memoised, and closing one leaves the other', async () => {
    const first = await openAsnLookup({ asnPath: null }, { cacheDir: join(dir, 'a') });
    const t0 = performance.now();
    const second = await openAsnLookup({ asnPath: null }, { cacheDir: join(dir, 'a') });
    expect(performance.now() - t0).toBeLessThan(50);
    expect(second.info).toEqual(first.info);
    await second.close();
    expect(second.lookup('1.1.1.1', 4)).toBeNull();
    expect(lookup(first, '1.1.1.1')).not.toBeNull();
  });
});
