import { describe, expect, it } from 'vitest';
import { BOGON_NETWORKS } from '../../src/intel/lists/bogons.js';
import { IpIntel, type ManualEntry } from '../../src/intel/lists/intel.js';
import { IpSet } from '../../src/intel/lists/ip-set.js';

const T = Date.UTC(2026, 0, 1);
const SEC = Math.floor(T / 1000);

function intelWith(): IpIntel {
  const intel = new IpIntel([
    { name: 'abuse', category: 'abuse' },
    { name: 'dc', category: 'datacenter' },
  ]);
  intel.install('abuse', 3, IpSet.build(['1.2.3.4/32', '198.51.100.0/24'], [SEC, SEC + 60]));
  intel.install('dc', 1, IpSet.build(['1.2.0.0/16', '2001:db8:1::/48', '2600:1f00::/24']));
  return intel;
}

const manual = (p: Partial<ManualEntry> = {}): ManualEntry => ({
  network: '5.6.7.0/24',
  category: 'abuse',
  reason: 'ticket 42',
  addedBy: 'ops',
  addedAtMs: T,
  expiresAtMs: T + 3_600_000,
  ...p,
});

describe('IpIntel', () => {
  it('returns every source that holds the address, bogons first, then config order, then manual', () => {
    const intel = intelWith();
    intel.installManual(1, [manual({ network: '1.2.3.0/24', category: 'reputation', reason: 'incident 7' })]);
    expect(intel.lookup('1.2.3.4', 4)).toEqual([
      { network: '1.2.3.4/32', source: 'abuse', category: 'abuse' },
      { network: '1.2.0.0/16', source: 'dc', category: 'datacenter' },
      { network: '1.2.3.0/24', source: 'manual', category: 'reputation', reason: 'incident 7' },
    ]);
    expect(intel.lookup('198.51.100.9', 4)).toEqual([
      { network: '198.51.100.0/24', source: 'bogons', category: 'unroutable' },
      { network: '198.51.100.0/24', source: 'abuse', category: 'abuse' },
    ]);
    expect(intel.lookup('2001:db8:1::5', 6).map((m) => m.source)).toEqual(['bogons', 'dc']);
    expect(intel.lookup('2600:1f18::1', 6)).toEqual([{ network: '2600:1f00::/24', source: 'dc', category: 'datacenter' }]);
  });

  it('returns nothing for a clean address or unparsable text, and one shared empty array for it', () => {
    const intel = intelWith();
    expect(intel.lookup('8.8.8.8', 4)).toEqual([]);
    expect(intel.lookup('2001:4860:4860::8888', 6)).toEqual([]);
    expect(intel.lookup('garbage', 4)).toEqual([]);
    expect(intel.lookup('garbage', 6)).toEqual([]);
    expect(intel.lookup('8.8.8.8', 4)).toBe(intel.lookup('9.9.9.9', 4));
  });

  it('explains matches with since when the source lists them and until when', () => {
    const intel = intelWith();
    intel.installManual(2, [manual()]);
    expect(intel.explain('198.51.100.1', 4)).toEqual([
      { network: '198.51.100.0/24', source: 'bogons', category: 'unroutable', sinceMs: null, expiresAtMs: null },
      { network: '198.51.100.0/24', source: 'abuse', category: 'abuse', sinceMs: T + 60_000, expiresAtMs: null },
    ]);
    expect(intel.explain('5.6.7.8', 4)).toEqual([
      { network: '5.6.7.0/24', source: 'manual', category: 'abuse', reason: 'ticket 42', sinceMs: T, expiresAtMs: T + 3_600_000 },
    ]);
  });

  it('starts configured sources empty at version 0 and swaps in new versions whole', () => {
    const intel = new IpIntel([{ name: 'feed', category: 'reputation' }]);
    expect(intel.lookup('9.9.9.9', 4)).toEqual([]);
    expect(intel.version('feed')).toBe(0);
    intel.install('feed', 1, IpSet.build(['9.9.9.0/24']));
    expect(intel.lookup('9.9.9.9', 4).map((m) => m.network)).toEqual(['9.9.9.0/24']);
    intel.install('feed', 2, IpSet.build(['9.9.8.0/24']));
    expect(intel.lookup('9.9.9.9', 4)).toEqual([]);
    expect(intel.version('feed')).toBe(2);
    expect(() => intel.install('bogons', 1, IpSet.build([]))).toThrow(/no configured source/);
    expect(() => intel.install('other', 1, IpSet.build([]))).toThrow(/no configured source/);
  });

  it('hands out frozen manual matches, so one request cannot alter another', () => {
    const intel = intelWith();
    intel.installManual(1, [manual()]);
    const [m] = intel.lookup('5.6.7.8', 4);
    expect(Object.isFrozen(m)).toBe(true);
  });

  it('reports versions and sizes, the bogons first and the manual entries last', () => {
    const intel = intelWith();
    intel.installManual(4, [manual(), manual({ network: '2001:db8:9::/48' })]);
    expect(intel.sources()).toEqual([
      { name: 'bogons', category: 'unroutable', version: 0, size: BOGON_NETWORKS.length - 1 },
      { name: 'abuse', category: 'abuse', version: 3, size: 2 },
      { name: 'dc', category: 'datacenter', version: 1, size: 3 },
      { name: 'manual', category: null, version: 4, size: 2 },
    ]);
  });
});
