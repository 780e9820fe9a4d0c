import { describe, expect, it } from 'vitest';
import { formatIpv4, formatIpv6 } from '../../src/intel/lists/address.js';
import { formatCidr, parseCidr } from '../../src/intel/lists/cidr.js';
import { IpSet } from '../../src/intel/lists/ip-set.js';

/** Small seeded PRNG (mulberry32) so a failure reproduces. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const u32 = (r: () => number) => Math.floor(r() * 2 ** 32) >>> 0;

/** BigInt oracle: an address and a network as numbers, compared the slow, obvious way. */
function big6(words: ArrayLike<number>): bigint {
  let v = 0n;
  for (let w = 0; w < 4; w++) v = (v << 32n) | BigInt(words[w]! >>> 0);
  return v;
}

/** The broadest listed network holding `ip` (canonical text), the slow obvious way. */
function oracle(networks: string[]): (ip: string) => string | null {
  const parsed = networks.map((text) => {
    const c = parseCidr(text)!;
    const network = formatCidr(c);
    return c.family === 4
      ? { network, family: 4, start: BigInt(c.start), end: BigInt(c.end), prefix: c.prefix }
      : { network, family: 6, start: big6(c.start), end: big6(c.end), prefix: c.prefix };
  });
  return (ip) => {
    const q = parseCidr(ip)!;
    const addr = q.family === 4 ? BigInt(q.start) : big6(q.start);
    let best: { network: string; prefix: number } | null = null;
    for (const n of parsed) {
      if (n.family === q.family && n.start <= addr && addr <= n.end && (!best || n.prefix < best.prefix)) best = n;
    }
    return best?.network ?? null;
  };
}

/** The network of the range holding `ip`, or null. */
const hit = (set: IpSet, ip: string, family: 4 | 6) => {
  const i = set.lookup(ip, family);
  return i < 0 ? null : set.network(i);
};

/** Random networks and probes for the oracle tests: clustered so nesting and hits happen, plus the /0, /32 and /128 edges. */
function randomV4(r: () => number, count: number): string[] {
  const networks: string[] = [];
  for (let i = 0; i < count; i++) {
    const prefix = r() < 0.1 ? Math.floor(r() * 17) : 16 + Math.floor(r() * 17);
    const addr = (0x0a000000 + Math.floor(r() * 2 ** 24)) >>> 0;
    networks.push(`${formatIpv4(r() < 0.8 ? addr : u32(r))}/${prefix}`);
  }
  return networks;
}

function randomV6(r: () => number, count: number): string[] {
  const networks: string[] = [];
  for (let i = 0; i < count; i++) {
    const prefix = r() < 0.1 ? Math.floor(r() * 33) : 28 + Math.floor(r() * 101);
    networks.push(`${formatIpv6([0x20010db8 + Math.floor(r() * 4), r() < 0.5 ? 0 : u32(r), u32(r), u32(r)])}/${prefix}`);
  }
  return networks;
}

/** An address inside `network`: random host bits under its prefix. */
function inside(network: string, r: () => number): string {
  const c = parseCidr(network)!;
  if (c.family === 4) return formatIpv4((c.start | (u32(r) & (c.end ^ c.start))) >>> 0);
  return formatIpv6(Array.from(c.start, (s, k) => (s | (u32(r) & (c.end[k]! ^ s))) >>> 0));
}

describe('IpSet', () => {
  it('finds addresses in IPv4 and IPv6 networks and misses others', () => {
    const set = IpSet.build(['10.0.0.0/8', '192.0.2.7', '2001:db8::/32']);
    expect(set.size).toBe(3);
    expect(hit(set, '10.255.255.255', 4)).toBe('10.0.0.0/8');
    expect(hit(set, '11.0.0.0', 4)).toBeNull();
    expect(hit(set, '9.255.255.255', 4)).toBeNull();
    expect(hit(set, '192.0.2.7', 4)).toBe('192.0.2.7/32');
    expect(hit(set, '192.0.2.8', 4)).toBeNull();
    expect(hit(set, '2001:db8:ffff::1', 6)).toBe('2001:db8::/32');
    expect(hit(set, '2001:db9::', 6)).toBeNull();
  });

  it('numbers IPv4 ranges first and carries each network its value', () => {
    const set = IpSet.build(['2001:db8::/32', '10.0.0.0/8', '192.0.2.0/24'], [7, 8, 9]);
    expect([0, 1, 2].map((i) => [set.network(i), set.value(i)])).toEqual([
      ['10.0.0.0/8', 8],
      ['192.0.2.0/24', 9],
      ['2001:db8::/32', 7],
    ]);
    expect(set.lookup('2001:db8::1', 6)).toBe(2);
  });

  it('carries values over from the identical networks of a previous set', () => {
    const previous = IpSet.build(['10.0.0.0/8', '192.0.2.0/24', '2001:db8::/32', '2001:db8:1::/48'], [1, 2, 3, 4]);
    // 192.0.2.0/25 and 2001:db8::/31 sit where previous networks did, but are other networks.
    const next = IpSet.build(['10.0.0.0/8', '192.0.2.0/25', '2001:db8::/31', '2001:dead::/32', '198.51.100.0/24']);
    const carried = next.carryValues(previous, 99);
    const byNetwork = Object.fromEntries(Array.from({ length: carried.size }, (_, i) => [carried.network(i), carried.value(i)]));
    expect(byNetwork).toEqual({ '10.0.0.0/8': 1, '192.0.2.0/25': 99, '198.51.100.0/24': 99, '2001:db8::/31': 99, '2001:dead::/32': 99 });
    const same = IpSet.build(['2001:db8:1::/48', '2001:db8::/32']).carryValues(previous, 99);
    expect([same.value(0)]).toEqual([3]);
    expect(IpSet.build(['10.0.0.0/8']).carryValues(null, 5).value(0)).toBe(5);
  });

  it('keeps the broadest of nested networks, and the first of duplicates', () => {
    const set = IpSet.build(['10.1.0.0/16', '10.0.0.0/8', '10.0.0.0/8', '10.1.2.3'], [1, 2, 3, 4]);
    expect(set.size).toBe(1);
    const i = set.lookup('10.1.2.3', 4);
    expect([set.network(i), set.value(i)]).toEqual(['10.0.0.0/8', 2]);
  });

  it('handles the /0, /32 and /128 edges', () => {
    const all = IpSet.build(['0.0.0.0/0', '::/0']);
    for (const ip of ['0.0.0.0', '255.255.255.255', '128.0.0.0']) expect(hit(all, ip, 4)).toBe('0.0.0.0/0');
    for (const ip of ['::', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff']) expect(hit(all, ip, 6)).toBe('::/0');

    const ends = IpSet.build(['0.0.0.0/32', '255.255.255.255/32', '::/128', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128']);
    expect(hit(ends, '0.0.0.0', 4)).toBe('0.0.0.0/32');
    expect(hit(ends, '0.0.0.1', 4)).toBeNull();
    expect(hit(ends, '255.255.255.255', 4)).toBe('255.255.255.255/32');
    expect(hit(ends, '255.255.255.254', 4)).toBeNull();
    expect(hit(ends, '::', 6)).toBe('::/128');
    expect(hit(ends, '::1', 6)).toBeNull();
    expect(hit(ends, 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 6)).toBe('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128');
    expect(hit(ends, 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe', 6)).toBeNull();
  });

  it('answers -1 for an empty set and for text that is not an address of the family', () => {
    expect(IpSet.build([]).lookup('1.2.3.4', 4)).toBe(-1);
    expect(IpSet.build([]).lookup('::1', 6)).toBe(-1);
    const set = IpSet.build(['0.0.0.0/0', '::/0']);
    expect(set.lookup('nonsense', 4)).toBe(-1);
    expect(set.lookup('::1', 4)).toBe(-1);
    expect(set.lookup('1.2.3.4', 6)).toBe(-1);
  });

  it('refuses to build from a malformed network', () => {
    expect(() => IpSet.build(['10.0.0.0/33'])).toThrow(/not an IP network/);
  });

  it('encodes to a buffer and decodes to an equal set, at any byte offset', () => {
    const r = rng(9);
    const networks = [...randomV4(r, 300), ...randomV6(r, 300)];
    const set = IpSet.build(networks, Uint32Array.from(networks, (_, i) => i * 3));
    const encoded = set.encode();
    // Redis hands back buffers at arbitrary offsets of larger ones.
    const shifted = Buffer.concat([Buffer.from([1, 2, 3]), encoded]).subarray(3);
    const back = IpSet.decode(shifted);
    expect(back.size).toBe(set.size);
    expect(back.byteLength).toBe(set.byteLength);
    for (let i = 0; i < set.size; i++) expect([back.network(i), back.value(i)]).toEqual([set.network(i), set.value(i)]);
    for (const network of networks) {
      const ip = inside(network, r);
      const family = ip.includes(':') ? 6 : 4;
      expect(back.lookup(ip, family)).toBe(set.lookup(ip, family));
    }
    expect(IpSet.decode(IpSet.build([]).encode()).size).toBe(0);
  });

  it('refuses to decode a buffer it did not encode', () => {
    expect(() => IpSet.decode(Buffer.alloc(4))).toThrow(/too short/);
    expect(() => IpSet.decode(Buffer.alloc(64))).toThrow(/not an encoded IpSet/);
    expect(() => IpSet.decode(IpSet.build(['1.2.3.4']).encode().subarray(0, 20))).toThrow(/expected/);
  });

  it('matches a brute-force oracle on random IPv4 networks', () => {
    const r = rng(4);
    const networks = [...randomV4(r, 400), '0.0.0.0/32', '255.255.255.255/32'];
    const set = IpSet.build(networks);
    const want = oracle(networks);
    let hits = 0;
    const probes = ['0.0.0.0', '0.0.0.1', '255.255.255.255', '255.255.255.254'];
    for (let i = 0; i < 5000; i++) {
      probes.push(r() < 0.3 ? inside(networks[Math.floor(r() * networks.length)]!, r) : formatIpv4(r() < 0.6 ? (0x0a000000 + Math.floor(r() * 2 ** 24)) >>> 0 : u32(r)));
    }
    for (const ip of probes) {
      const got = hit(set, ip, 4);
      expect([ip, got]).toEqual([ip, want(ip)]);
      if (got) hits++;
    }
    // The workload must exercise both nesting and hits, or the comparison proves little.
    expect(set.size).toBeLessThan(networks.length);
    expect(hits).toBeGreaterThan(500);
  });

  it('matches a brute-force oracle on random IPv6 networks', () => {
    const r = rng(6);
    const networks = [...randomV6(r, 400), '::/128', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128'];
    const set = IpSet.build(networks);
    const want = oracle(networks);
    let hits = 0;
    const probes = ['::', '::1', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe'];
    for (let i = 0; i < 5000; i++) {
      probes.push(
        r() < 0.6
          ? inside(networks[Math.floor(r() * networks.length)]!, r)
          : formatIpv6([0x20010db8 + Math.floor(r() * 4), r() < 0.5 ? 0 : u32(r), u32(r), u32(r)]),
      );
    }
    for (const ip of probes) {
      const got = hit(set, ip, 6);
      expect([ip, got]).toEqual([ip, want(ip)]);
      if (got) hits++;
    }
    expect(set.size).toBeLessThan(networks.length);
    expect(hits).toBeGreaterThan(500);
  });

  it('matches the oracle on a mixed set with /0 networks, across many seeds', () => {
    for (let seed = 100; seed < 120; seed++) {
      const r = rng(seed);
      const networks = [...randomV4(r, 40), ...randomV6(r, 40)];
      if (seed % 5 === 0) networks.push('0.0.0.0/0');
      if (seed % 7 === 0) networks.push('::/0');
      const set = IpSet.build(networks);
      const want = oracle(networks);
      for (let i = 0; i < 300; i++) {
        const ip = r() < 0.5 ? inside(networks[Math.floor(r() * networks.length)]!, r) : r() < 0.5 ? formatIpv4(u32(r)) : formatIpv6([u32(r), u32(r), u32(r), u32(r)]);
        const family = ip.includes(':') ? 6 : 4;
        expect([seed, ip, hit(set, ip, family)]).toEqual([seed, ip, want(ip)]);
      }
    }
  });
});
