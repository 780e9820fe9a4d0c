import { describe, expect, it } from 'vitest';
import { formatIpv4, formatIpv6 } from '../../src/intel/address.js';
import { parseCidr } from '../../src/intel/cidr.js';
import { IpSet } from '../../src/intel/ip-set.js';

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

/** Every listed network holding `ip`, the slow obvious way; the set should report the broadest (first of equals). */
function oracle(networks: string[]): (ip: string) => string | null {
  const parsed = networks.map((network) => {
    const c = parseCidr(network)!;
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

describe('IpSet', () => {
  it('finds addresses in IPv4 and IPv6 networks and misses others', () => {
    const set = IpSet.build([{ network: '10.0.0.0/8' }, { network: '192.0.2.7' }, { network: '2001:db8::/32' }]);
    expect(set.size).toBe(3);
    expect(set.lookup('10.255.255.255', 4)).toEqual({ network: '10.0.0.0/8' });
    expect(set.lookup('11.0.0.0', 4)).toBeNull();
    expect(set.lookup('9.255.255.255', 4)).toBeNull();
    expect(set.lookup('192.0.2.7', 4)).toEqual({ network: '192.0.2.7' });
    expect(set.lookup('192.0.2.8', 4)).toBeNull();
    expect(set.lookup('2001:db8:ffff::1', 6)).toEqual({ network: '2001:db8::/32' });
    expect(set.lookup('2001:db9::', 6)).toBeNull();
  });

  it('hands back the entry object itself', () => {
    const entry = { network: '1.2.3.0/24', extra: 42 };
    expect(IpSet.build([entry]).lookup('1.2.3.4', 4)).toBe(entry);
  });

  it('keeps the broadest of nested networks, and the first of duplicates', () => {
    const a = { network: '10.1.0.0/16', id: 'a' };
    const b = { network: '10.0.0.0/8', id: 'b' };
    const c = { network: '10.0.0.0/8', id: 'c' };
    const set = IpSet.build([a, b, c, { network: '10.1.2.3' }]);
    expect(set.size).toBe(1);
    expect(set.lookup('10.1.2.3', 4)).toBe(b);
  });

  it('handles the /0, /32 and /128 edges', () => {
    const all = IpSet.build([{ network: '0.0.0.0/0' }, { network: '::/0' }]);
    for (const ip of ['0.0.0.0', '255.255.255.255', '128.0.0.0']) expect(all.lookup(ip, 4)?.network).toBe('0.0.0.0/0');
    for (const ip of ['::', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff']) expect(all.lookup(ip, 6)?.network).toBe('::/0');

    const ends = IpSet.build([
      { network: '0.0.0.0/32' },
      { network: '255.255.255.255/32' },
      { network: '::/128' },
      { network: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128' },
    ]);
    expect(ends.lookup('0.0.0.0', 4)).not.toBeNull();
    expect(ends.lookup('0.0.0.1', 4)).toBeNull();
    expect(ends.lookup('255.255.255.255', 4)).not.toBeNull();
    expect(ends.lookup('255.255.255.254', 4)).toBeNull();
    expect(ends.lookup('::', 6)).not.toBeNull();
    expect(ends.lookup('::1', 6)).toBeNull();
    expect(ends.lookup('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 6)).not.toBeNull();
    expect(ends.lookup('ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe', 6)).toBeNull();
  });

  it('answers null for an empty set and for text that is not an address of the family', () => {
    expect(IpSet.build([]).lookup('1.2.3.4', 4)).toBeNull();
    const set = IpSet.build([{ network: '0.0.0.0/0' }, { network: '::/0' }]);
    expect(set.lookup('nonsense', 4)).toBeNull();
    expect(set.lookup('::1', 4)).toBeNull();
    expect(set.lookup('1.2.3.4', 6)).toBeNull();
  });

  it('refuses to build from a malformed network', () => {
    expect(() => IpSet.build([{ network: '10.0.0.0/33' }])).toThrow(/not an IP network/);
  });

  it('matches a brute-force oracle on random IPv4 networks', () => {
    const r = rng(4);
    const networks: string[] = [];
    for (let i = 0; i < 400; i++) {
      // Mostly long prefixes, some short ones so nesting happens; cluster addresses so hits do too.
      const prefix = r() < 0.1 ? Math.floor(r() * 17) : 16 + Math.floor(r() * 17);
      const addr = (0x0a000000 + Math.floor(r() * 2 ** 24)) >>> 0;
      networks.push(`${formatIpv4(r() < 0.8 ? addr : u32(r))}/${prefix}`);
    }
    const set = IpSet.build(networks.map((network) => ({ network })));
    const want = oracle(networks);
    let hits = 0;
    for (let i = 0; i < 5000; i++) {
      const ip = formatIpv4(r() < 0.7 ? (0x0a000000 + Math.floor(r() * 2 ** 24)) >>> 0 : u32(r));
      const got = set.lookup(ip, 4)?.network ?? null;
      expect([ip, got]).toEqual([ip, want(ip)]);
      if (got) hits++;
    }
    // The workload must exercise both nesting and hits, or the comparison proves little.
    expect(set.size).toBeLessThan(networks.length);
    expect(hits).toBeGreaterThan(500);
  });

  it('matches a brute-force oracle on random IPv6 networks', () => {
    const r = rng(6);
    const randomWords = () => [0x20010db8 + Math.floor(r() * 4), r() < 0.5 ? 0 : u32(r), u32(r), u32(r)];
    const networks: string[] = [];
    for (let i = 0; i < 400; i++) {
      const prefix = r() < 0.1 ? Math.floor(r() * 33) : 28 + Math.floor(r() * 101);
      networks.push(`${formatIpv6(randomWords())}/${prefix}`);
    }
    const set = IpSet.build(networks.map((network) => ({ network })));
    const want = oracle(networks);
    let hits = 0;
    for (let i = 0; i < 5000; i++) {
      // Probe near listed networks (random host bits inside a listed prefix) as well as at random.
      let ip: string;
      if (r() < 0.6) {
        const base = parseCidr(networks[Math.floor(r() * networks.length)]!)!;
        if (base.family !== 6) throw new Error('unexpected');
        const w = Array.from(base.start, (s, k) => (s | (u32(r) & (base.end[k]! ^ s))) >>> 0);
        ip = formatIpv6(w);
      } else {
        ip = formatIpv6(randomWords());
      }
      const got = set.lookup(ip, 6)?.network ?? null;
      expect([ip, got]).toEqual([ip, want(ip)]);
      if (got) hits++;
    }
    expect(set.size).toBeLessThan(networks.length);
    expect(hits).toBeGreaterThan(500);
  });
});
