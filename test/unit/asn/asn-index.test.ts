import { describe, expect, it } from 'vitest';
import { parseIpv4, parseIpv6 } from '../../../src/intel/lists/address.js';
import { AsnIndex } from '../../../src/intel/asn/asn-index.js';
import { parseAsnCsv } from '../../../src/intel/asn/parse-asn-csv.js';

const ip4 = (s: string) => parseIpv4(s);
const ip6 = (s: string) => {
  const w = new Uint32Array(4);
  if (!parseIpv6(s, w)) throw new Error(`bad test address ${s}`);
  return w;
};
/** An IPv6 address as the unsigned decimal the numeric CSV writes. */
const dec6 = (s: string) => ip6(s).reduce((v, w) => (v << 32n) | BigInt(w), 0n).toString();

function index(csv4: string, csv6 = ''): AsnIndex {
  const b = AsnIndex.builder();
  parseAsnCsv(csv4, 4, b);
  parseAsnCsv(csv6, 6, b);
  return b.build();
}

describe('AsnIndex', () => {
  const csv4 = [
    `${ip4('1.0.0.0')},${ip4('1.0.0.255')},13335,"Cloudflare, Inc."`,
    `${ip4('1.0.4.0')},${ip4('1.0.7.255')},38803,Gtelecom Pty Ltd`,
    `${ip4('5.0.0.0')},${ip4('5.0.0.9')},201907,"LLC ""SPUTNIK"""`,
  ].join('\n');
  const csv6 = [`${dec6('2001:db8::')},${dec6('2001:db8::ffff')},64500,Example Six`].join('\n');
  const idx = index(csv4, csv6);

  it('finds the range holding an address, at both ends, and nothing in the gaps', () => {
    expect(idx.lookupV4(ip4('1.0.0.0'))).toEqual({ asn: 13335, org: 'Cloudflare, Inc.' });
    expect(idx.lookupV4(ip4('1.0.0.255'))).toEqual({ asn: 13335, org: 'Cloudflare, Inc.' });
    expect(idx.lookupV4(ip4('1.0.1.0'))).toBeNull();
    expect(idx.lookupV4(ip4('1.0.3.255'))).toBeNull();
    expect(idx.lookupV4(ip4('1.0.4.0'))?.asn).toBe(38803);
    expect(idx.lookupV4(ip4('0.255.255.255'))).toBeNull();
    expect(idx.lookupV4(ip4('255.255.255.255'))).toBeNull();
    expect(idx.lookupV6(ip6('2001:db8::'))).toEqual({ asn: 64500, org: 'Example Six' });
    expect(idx.lookupV6(ip6('2001:db8::ffff'))?.asn).toBe(64500);
    expect(idx.lookupV6(ip6('2001:db8::1:0'))).toBeNull();
    expect(idx.lookupV6(ip6('::1'))).toBeNull();
  });

  it('unescapes RFC 4180 quotes in organisation names', () => {
    expect(idx.lookupV4(ip4('5.0.0.5'))?.org).toBe('LLC "SPUTNIK"');
  });

  it('hands out one frozen record per AS', () => {
    const a = idx.lookupV4(ip4('1.0.0.1'));
    expect(a).toBe(idx.lookupV4(ip4('1.0.0.2')));
    expect(Object.isFrozen(a)).toBe(true);
  });

  it('round-trips through encode and decode', () => {
    const back = AsnIndex.decode(idx.encode());
    expect(back.size).toEqual(idx.size);
    for (const ip of ['1.0.0.0', '1.0.0.255', '1.0.1.0', '1.0.5.5', '5.0.0.9', '9.9.9.9']) {
      expect(back.lookupV4(ip4(ip))).toEqual(idx.lookupV4(ip4(ip)));
    }
    expect(back.lookupV6(ip6('2001:db8::42'))).toEqual({ asn: 64500, org: 'Example Six' });
  });

  it('refuses buffers it did not write', () => {
    expect(() => AsnIndex.decode(new Uint8Array(8))).toThrow(RangeError);
    const buf = idx.encode();
    buf[0] = buf[0]! ^ 0xff;
    expect(() => AsnIndex.decode(buf)).toThrow(/not an encoded AsnIndex/);
    expect(() => AsnIndex.decode(idx.encode().subarray(0, 40))).toThrow(RangeError);
  });

  it('keeps the earlier row where two overlap, as in the DoD rows of the bundled IPv4 CSV', () => {
    const i = index(
      [`${ip4('10.0.0.0')},${ip4('10.0.0.99')},749,DoD`, `${ip4('10.0.0.50')},${ip4('10.0.0.199')},721,DoD NIC`, `${ip4('10.0.0.60')},${ip4('10.0.0.70')},1,inside`].join('\n'),
    );
    expect(i.lookupV4(ip4('10.0.0.99'))?.asn).toBe(749);
    expect(i.lookupV4(ip4('10.0.0.100'))?.asn).toBe(721);
    expect(i.lookupV4(ip4('10.0.0.199'))?.asn).toBe(721);
    expect(i.lookupV4(ip4('10.0.0.65'))?.asn).toBe(749);
    expect(i.size.v4).toBe(2);
  });

  it('merges adjacent ranges of one AS, in both families', () => {
    const i = index(
      [`${ip4('10.0.0.0')},${ip4('10.0.0.255')},7,A`, `${ip4('10.0.1.0')},${ip4('10.0.1.255')},7,A`].join('\n'),
      [`${dec6('2001:db8::')},${dec6('2001:db8::ff')},7,A`, `${dec6('2001:db8::100')},${dec6('2001:db8::1ff')},7,A`].join('\n'),
    );
    expect(i.size).toEqual({ v4: 1, v6: 1, asns: 1 });
    expect(i.lookupV4(ip4('10.0.1.255'))?.asn).toBe(7);
    expect(i.lookupV6(ip6('2001:db8::1ff'))?.asn).toBe(7);
    expect(i.lookupV6(ip6('2001:db8::200'))).toBeNull();
  });

  it('throws on ranges out of order or reversed', () => {
    expect(() => index([`${ip4('10.0.1.0')},${ip4('10.0.1.255')},7,A`, `${ip4('10.0.0.0')},${ip4('10.0.0.255')},8,B`].join('\n'))).toThrow(/out of order/);
    expect(() => index(`${ip4('10.0.1.0')},${ip4('10.0.0.0')},7,A`)).toThrow(/ends before it starts/);
  });
});

describe('parseAsnCsv', () => {
  it('reads 128-bit decimals exactly (checked against BigInt)', () => {
    const b = AsnIndex.builder();
    const max = (2n ** 128n - 1n).toString();
    parseAsnCsv(`${2n ** 127n},${max},1,Top`, 6, b);
    const i = b.build();
    expect(i.lookupV6(ip6('8000::'))?.asn).toBe(1);
    expect(i.lookupV6(ip6('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'))?.asn).toBe(1);
    expect(i.lookupV6(ip6('7fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'))).toBeNull();
  });

  it('skips AS 0 rows (RFC 7607: not routed), takes CRLF and blank lines, trims names', () => {
    const b = AsnIndex.builder();
    const stats = parseAsnCsv(`1,10,0,Unrouted\r\n\r\n20,30,5,"Padded "\r\n`, 4, b);
    expect(stats).toEqual({ rows: 2, skippedAs0: 1 });
    const i = b.build();
    expect(i.lookupV4(5)).toBeNull();
    expect(i.lookupV4(25)).toEqual({ asn: 5, org: 'Padded' });
  });

  it('names the line of a malformed row', () => {
    const b = AsnIndex.builder();
    expect(() => parseAsnCsv('1,2,3,ok\nnot a row\n', 4, b)).toThrow(/line 2/);
    expect(() => parseAsnCsv('1,99999999999,3,x', 4, AsnIndex.builder())).toThrow(/bad IPv4 range/);
    expect(() => parseAsnCsv(`1,${2n ** 128n},3,x`, 6, AsnIndex.builder())).toThrow(/bad IPv6 range/);
    expect(() => parseAsnCsv('1,2,-3,x', 4, AsnIndex.builder())).toThrow(/bad AS number/);
  });
});
