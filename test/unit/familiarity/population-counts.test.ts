import { describe, expect, it } from 'vitest';
import type { LoginFeatures } from '../../../src/risk/familiarity/features.js';
import { PopulationCounts } from '../../../src/risk/familiarity/population-counts.js';

const login = (asn: string, country = 'DE', device: string | null = null): LoginFeatures => ({
  ip: { key: 'k-ip', population: null },
  subnet: null,
  asn: { key: `k-${asn}`, population: asn },
  city: null,
  country: { key: country, population: country },
  ua: null,
  browser: null,
  os: null,
  deviceType: null,
  device: device === null ? null : { key: 'AAAAAAAA', population: device },
});

describe('PopulationCounts', () => {
  it('counts committed logins per counted feature value, and nothing for features not counted', () => {
    const p = new PopulationCounts(100);
    p.record(login('3320'));
    p.record(login('3320', 'FR', 'none'));
    p.record(login('3209'));
    expect(p.total).toBe(3);
    expect(p.count('asn', '3320')).toBe(2);
    expect(p.count('country', 'DE')).toBe(2);
    expect(p.count('device', 'none')).toBe(1);
    expect(p.count('asn', '1')).toBe(0);
    expect(p.count('ip', 'k-ip')).toBeNull();
  });

  it('bounds the values of a feature: past the cap a new value is not counted, its login still is', () => {
    const p = new PopulationCounts(2);
    for (const asn of ['1', '2', '3', '1']) p.record(login(asn));
    expect(p.total).toBe(4);
    expect([p.count('asn', '1'), p.count('asn', '2'), p.count('asn', '3')]).toEqual([2, 1, 0]);
  });

  it('a merge replaces the base with the shared counts and keeps what was recorded meanwhile', () => {
    const p = new PopulationCounts(100);
    p.record(login('3320'));
    const sent = p.pending();
    p.record(login('3320')); // while the merge is in flight
    // Redis held 10 logins of another process, 4 of them from AS 3320; it adds ours.
    const shared = { total: 11, counts: new Map([['asn' as const, new Map([['3320', 5]])]]) };
    p.merged(sent, shared);
    expect(p.total).toBe(12);
    expect(p.count('asn', '3320')).toBe(6);
    expect(p.pending().total).toBe(1);
  });
});
