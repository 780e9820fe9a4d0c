import { describe, expect, it } from 'vitest';
import { parseIp } from '../../src/risk/context/ip.js';
import { BOGON_NETWORKS } from '../../src/intel/lists/bogons.js';
import { IpSet } from '../../src/intel/lists/ip-set.js';

const bogons = IpSet.build(BOGON_NETWORKS);
const isBogon = (raw: string) => {
  const p = parseIp(raw)!;
  return bogons.lookup(p.ip, p.family) >= 0;
};

describe('bogons', () => {
  it.each([
    '0.1.2.3',
    '10.1.2.3',
    '100.64.0.1',
    '100.127.255.255',
    '127.0.0.1',
    '169.254.169.254',
    '172.16.0.1',
    '172.31.255.255',
    '192.0.0.8',
    '192.0.2.1',
    '192.88.99.1',
    '192.168.1.1',
    '198.18.0.1',
    '198.19.255.255',
    '198.51.100.7',
    '203.0.113.7',
    '224.0.0.1',
    '239.255.255.250',
    '240.0.0.1',
    '255.255.255.255',
    '::',
    '::1',
    '::ffff:10.0.0.1',
    '64:ff9b:1::1',
    '100::1',
    '2001::1',
    '2001:1ff:ffff::1',
    '2001:db8::1',
    'fc00::1',
    'fd12:3456::1',
    'fe80::1',
    'febf::1',
    'ff02::1',
  ])('%s is unroutable', (ip) => {
    expect(isBogon(ip)).toBe(true);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '100.63.255.255',
    '100.128.0.0',
    '172.15.255.255',
    '172.32.0.0',
    '192.0.1.255',
    '192.169.0.0',
    '198.17.255.255',
    '198.20.0.0',
    '203.0.114.1',
    '223.255.255.255',
    '81.2.69.142',
    '2001:4860:4860::8888',
    '2001:200::1',
    '2606:4700:4700::1111',
    '2a00:1450:4001::1',
    '64:ff9b::8.8.8.8',
    'fec0::1',
    '::2',
  ])('%s is routable', (ip) => {
    expect(isBogon(ip)).toBe(false);
  });

  it('lists no network twice or inside another', () => {
    expect(bogons.size).toBe(BOGON_NETWORKS.length - 1); // 255.255.255.255/32 sits inside 240/4
  });
});
