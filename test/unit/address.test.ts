import { isIP } from 'node:net';
import { describe, expect, it } from 'vitest';
import { formatIpv6, parseIpv6, parseIpv6Range } from '../../src/intel/lists/address.js';

/** Small seeded PRNG (mulberry32) so a failure reproduces. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('parseIpv6', () => {
  const words = new Uint32Array(4);

  it('agrees with node:net on which texts are IPv6 addresses (random texts of hex, colons and dots)', () => {
    const r = rng(1);
    const alphabet = '0123456789abcdefABCDEF:::::...';
    const texts = ['::', ':::', '1::', '1:', '::1:', '1::2::3', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7::', '::ffff:1.2.3.4', '1::1.2.3', '::.1.2.3', 'a:b:c:d:e:f:0:1.2.3.4'];
    for (let i = 0; i < 50_000; i++) {
      let t = '';
      for (let k = Math.floor(r() * 40); k > 0; k--) t += alphabet[Math.floor(r() * alphabet.length)];
      texts.push(t);
    }
    for (let i = 0; i < 20_000; i++) {
      const g = Array.from({ length: 8 }, () => Math.floor(r() * 65536).toString(16));
      const a = Math.floor(r() * 9);
      const b = a + Math.floor(r() * (9 - a));
      texts.push(`${g.slice(0, a).join(':')}${r() < 0.7 ? '::' : ':'}${g.slice(b).join(':')}`);
    }
    for (const t of texts) expect([t, parseIpv6(t, words)]).toEqual([t, isIP(t) === 6]);
  });

  it('reads back what formatIpv6 writes, and parses a range inside a longer text', () => {
    const r = rng(2);
    for (let i = 0; i < 20_000; i++) {
      const w = Array.from({ length: 4 }, () => (r() < 0.4 ? 0 : Math.floor(r() * 2 ** 32)));
      expect(parseIpv6(formatIpv6(w), words)).toBe(true);
      expect(Array.from(words)).toEqual(w);
    }
    expect(parseIpv6Range('x 2001:db8::1/64', 2, 13, words)).toBe(true);
    expect(formatIpv6(words)).toBe('2001:db8::1');
    expect(parseIpv6('::ffff:1.2.3.4', words) && Array.from(words)).toEqual([0, 0, 0xffff, 0x01020304]);
  });
});
