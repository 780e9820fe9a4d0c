import { isIP } from 'node:net';
import { describe, expect, it } from 'vitest';
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from '../../src/intel/lists/address.js';
import { formatCidr, parseCidr } from '../../src/intel/lists/cidr.js';

describe('parseIpv4', () => {
  it('parses dotted quads into uint32', () => {
    expect(parseIpv4('0.0.0.0')).toBe(0);
    expect(parseIpv4('255.255.255.255')).toBe(0xffffffff);
    expect(parseIpv4('10.1.2.3')).toBe(0x0a010203);
    expect(formatIpv4(0xc0000201)).toBe('192.0.2.1');
  });

  it.each(['', '1.2.3', '1.2.3.4.5', '1..2.3', '.1.2.3', '1.2.3.', '256.0.0.0', '01.2.3.4', '1.2.3.4 ', '1.2.3.a', '1234.1.1.1'])(
    'rejects %j as node:net does',
    (s) => {
      expect(parseIpv4(s)).toBe(-1);
      expect(isIP(s)).not.toBe(4);
    },
  );
});

describe('parseIpv6 / formatIpv6', () => {
  const words = new Uint32Array(4);
  const parse = (s: string) => (parseIpv6(s, words) ? Array.from(words) : null);

  it('expands compressed and mixed forms into four words', () => {
    expect(parse('::')).toEqual([0, 0, 0, 0]);
    expect(parse('::1')).toEqual([0, 0, 0, 1]);
    expect(parse('1::')).toEqual([0x00010000, 0, 0, 0]);
    expect(parse('2001:db8::ff00:42:8329')).toEqual([0x20010db8, 0, 0x0000ff00, 0x00428329]);
    expect(parse('2001:DB8:0:0:8:800:200C:417A')).toEqual([0x20010db8, 0, 0x00080800, 0x200c417a]);
    expect(parse('::ffff:1.2.3.4')).toEqual([0, 0, 0xffff, 0x01020304]);
    expect(parse('1:2:3:4:5:6:1.2.3.4')).toEqual([0x00010002, 0x00030004, 0x00050006, 0x01020304]);
    expect(parse('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff')).toEqual([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff]);
  });

  it.each([
    '',
    ':',
    ':::',
    '1:::2',
    '1::2::3',
    ':1::',
    '1:',
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8:9',
    '1::2:3:4:5:6:7:8',
    '12345::1',
    'g::1',
    'fe80::1%eth0',
    '1.2.3.4',
    '::1.2.3',
    '1:2:3:4:5:6:7:1.2.3.4',
    '::1.2.3.4:5',
  ])('rejects %j', (s) => {
    expect(parse(s)).toBeNull();
  });

  it('agrees with node:net on what is IPv6 (zone ids aside)', () => {
    const samples = ['::', '::1', '1::', '1:2::3:4', 'a:b:c:d:e:f:0:1', '::ffff:0.0.0.0', '0::0', '00::00', '0000::'];
    for (const s of samples) expect([s, parse(s) !== null]).toEqual([s, isIP(s) === 6]);
  });

  it('formats per RFC 5952', () => {
    const fmt = (s: string) => (parseIpv6(s, words) ? formatIpv6(words) : null);
    expect(fmt('2001:0DB8:0000:0000:0000:0000:0000:0001')).toBe('2001:db8::1');
    expect(fmt('2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1'); // first of equal runs
    expect(fmt('2001:db8:0:1:0:0:0:1')).toBe('2001:db8:0:1::1'); // longest run
    expect(fmt('2001:db8:0:1:1:1:1:1')).toBe('2001:db8:0:1:1:1:1:1'); // lone zero kept
    expect(fmt('0:0:0:0:0:0:0:0')).toBe('::');
    expect(fmt('1:0:0:0:0:0:0:0')).toBe('1::');
  });
});

describe('parseCidr', () => {
  it('parses IPv4 networks and bare addresses', () => {
    expect(parseCidr('10.0.0.0/8')).toEqual({ family: 4, start: 0x0a000000, end: 0x0affffff, prefix: 8 });
    expect(parseCidr('1.2.3.4')).toEqual({ family: 4, start: 0x01020304, end: 0x01020304, prefix: 32 });
    expect(parseCidr('0.0.0.0/0')).toEqual({ family: 4, start: 0, end: 0xffffffff, prefix: 0 });
    expect(parseCidr('10.1.2.3/8')).toMatchObject({ start: 0x0a000000, end: 0x0affffff });
  });

  it('parses IPv6 networks and bare addresses', () => {
    const c = parseCidr('2001:db8::/32');
    expect(c?.family).toBe(6);
    if (c?.family !== 6) return;
    expect(Array.from(c.start)).toEqual([0x20010db8, 0, 0, 0]);
    expect(Array.from(c.end)).toEqual([0x20010db8, 0xffffffff, 0xffffffff, 0xffffffff]);
    expect(formatCidr(c)).toBe('2001:db8::/32');
    expect(formatCidr(parseCidr('::/0')!)).toBe('::/0');
    expect(formatCidr(parseCidr('2001:DB8::1')!)).toBe('2001:db8::1/128');
    expect(formatCidr(parseCidr('2001:db8::ff/120')!)).toBe('2001:db8::/120');
    expect(formatCidr(parseCidr('fe80::/10')!)).toBe('fe80::/10');
  });

  it('maps IPv4-mapped IPv6 networks to IPv4', () => {
    expect(formatCidr(parseCidr('::ffff:1.2.3.0/120')!)).toBe('1.2.3.0/24');
    expect(formatCidr(parseCidr('::ffff:0:0/96')!)).toBe('0.0.0.0/0');
  });

  it.each(['', '10.0.0.0/33', '10.0.0.0/', '10.0.0.0/-1', '10.0.0.0/08', '/8', '::/129', '10.0.0.0/8/8', 'x', '1.2.3.4/ 8'])(
    'rejects %j',
    (s) => {
      expect(parseCidr(s)).toBeNull();
    },
  );
});
