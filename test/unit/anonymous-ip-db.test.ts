import { readFileSync } from 'node:fs';
import { Reader, type AnonymousIPResponse } from 'maxmind';
import { describe, expect, it } from 'vitest';
import { formatIpv4, formatIpv6 } from '../../src/intel/lists/address.js';
import { parseAnonymousIpDb } from '../../src/intel/lists/anonymous-ip-db.js';
import { IpSet } from '../../src/intel/lists/ip-set.js';

/** MaxMind's Anonymous-IP test database (MIT): its source JSON lists the networks asserted here. */
const DB = readFileSync('test/fixtures/maxmind/GeoIP2-Anonymous-IP-Test.mmdb');

describe('parseAnonymousIpDb', () => {
  it('lists the anonymizer networks of the database, IPv4 ones once and as IPv4', () => {
    expect(parseAnonymousIpDb(DB, 'anonymizer')).toEqual({
      networks: [
        '1.2.0.0/16',
        '1.124.213.1/32',
        '6.1.0.0/31',
        '6.1.0.3/32',
        '6.1.0.4/32',
        '65.0.0.0/13',
        '81.2.69.0/24',
        '186.30.236.0/24',
        '2001:480:3a::/64',
        'abcd:1000::/112',
      ],
      skipped: 0,
    });
  });

  it('lists the hosting networks for datacenter', () => {
    expect(parseAnonymousIpDb(DB, 'datacenter').networks).toEqual(['6.1.0.2/32', '71.160.223.0/24', '81.2.69.0/24']);
  });

  it('agrees with the database reader on random addresses near and far from its networks', () => {
    const reader = new Reader<AnonymousIPResponse>(DB);
    const anonymizer = IpSet.build(parseAnonymousIpDb(DB, 'anonymizer').networks);
    const hosting = IpSet.build(parseAnonymousIpDb(DB, 'datacenter').networks);
    let seed = 7;
    const r = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0), seed);
    const probes: [string, 4 | 6][] = [];
    for (const base of [0x01020000, 0x417c0000, 0x51024500, 0x47a0df00, 0x06010000, 0x41000000]) {
      for (let i = 0; i < 300; i++) probes.push([formatIpv4((base + (r() % 0x40000)) >>> 0), 4]);
    }
    for (let i = 0; i < 500; i++) probes.push([formatIpv4(r()), 4]);
    for (let i = 0; i < 300; i++) probes.push([formatIpv6([0x20010480, 0x003a0000 | (r() & 1), r(), r()]), 6]);
    for (const [ip, family] of probes) {
      const rec = reader.get(ip) ?? {};
      const vpnLike = !!(rec.is_anonymous_vpn || rec.is_tor_exit_node || rec.is_public_proxy || rec.is_residential_proxy);
      expect([ip, anonymizer.lookup(ip, family) >= 0]).toEqual([ip, vpnLike || (!!rec.is_anonymous && !rec.is_hosting_provider)]);
      expect([ip, hosting.lookup(ip, family) >= 0]).toEqual([ip, !!rec.is_hosting_provider]);
    }
  });

  it('refuses a database of another type and bytes that are no database', () => {
    expect(() => parseAnonymousIpDb(readFileSync('test/fixtures/maxmind/GeoIP2-City-Test.mmdb'), 'anonymizer')).toThrow(/not an Anonymous-IP/);
    expect(() => parseAnonymousIpDb(Buffer.from('1.2.3.4\n'), 'anonymizer')).toThrow();
  });
});
