import { describe, expect, it } from 'vitest';
import { untrustedIp } from '../../src/assessors/untrusted-ip.js';
import type { IntelMatch, IntelView } from '../../src/intel/types.js';
import { input, login } from './assessor-fixtures.js';

const IP = '203.0.113.7';
const hit = (category: IntelMatch['category'], source = `${category}-list`): IntelMatch => ({
  network: '203.0.113.0/24',
  source,
  category,
});
const assess = (intel: Partial<IntelView>) => untrustedIp.assess(input({ intel: { matches: [], traffic: null, ...intel } }));

describe('untrustedIp', () => {
  it('has the Auth0 name', () => {
    expect(untrustedIp.name).toBe('UntrustedIP');
  });

  it('invalid_ip_address (low) with the rejected address', () => {
    const r = untrustedIp.assess(input({ login: login({ ip: null, invalidIp: '999.1.1.1' }) }));
    expect(r).toEqual({ confidence: 'low', code: 'invalid_ip_address', details: { ip: '999.1.1.1' } });
  });

  it('invalid_ip_address (low) when no address was resolvable at all, even with list hits', () => {
    const r = untrustedIp.assess(input({ login: login({ ip: null }), intel: { matches: [hit('abuse')], traffic: null } }));
    expect(r).toEqual({ confidence: 'low', code: 'invalid_ip_address', details: { ip: null } });
  });

  it('not_found_on_deny_list (high) with no hits and no traffic data', () => {
    expect(assess({})).toEqual({ confidence: 'high', code: 'not_found_on_deny_list' });
  });

  it('not_found_on_deny_list when failed logins are one under the threshold', () => {
    expect(assess({ traffic: { failedLogins: 99, windowHours: 24, threshold: 100 } }).code).toBe('not_found_on_deny_list');
  });

  it('found_on_deny_list (low) when failed logins reach the threshold, as a traffic/abuse match on the IP', () => {
    expect(assess({ traffic: { failedLogins: 100, windowHours: 24, threshold: 100 } })).toEqual({
      confidence: 'low',
      code: 'found_on_deny_list',
      details: {
        ip: IP,
        matches: [{ network: IP, source: 'traffic', category: 'abuse' }],
        source: 'traffic',
        category: 'abuse',
      },
    });
  });

  it('found_on_deny_list (low) for a list hit', () => {
    expect(assess({ matches: [hit('reputation', 'firehol')] })).toEqual({
      confidence: 'low',
      code: 'found_on_deny_list',
      details: { ip: IP, matches: [hit('reputation', 'firehol')], source: 'firehol', category: 'reputation' },
    });
  });

  it('medium when every hit is datacenter', () => {
    const r = assess({ matches: [hit('datacenter', 'aws'), hit('datacenter', 'gcp')] });
    expect(r.confidence).toBe('medium');
    expect(r.details).toMatchObject({ source: 'aws', category: 'datacenter' });
  });

  it('low when a datacenter hit comes with any other category', () => {
    for (const other of ['abuse', 'anonymizer', 'reputation', 'unroutable'] as const) {
      expect(assess({ matches: [hit('datacenter'), hit(other)] }).confidence).toBe('low');
    }
    const withTraffic = assess({ matches: [hit('datacenter')], traffic: { failedLogins: 5, windowHours: 24, threshold: 5 } });
    expect(withTraffic.confidence).toBe('low');
    expect(withTraffic.details).toMatchObject({ source: 'traffic', category: 'abuse' });
  });

  it('names the most severe hit: abuse, reputation, anonymizer, unroutable, datacenter', () => {
    const order = ['abuse', 'reputation', 'anonymizer', 'unroutable', 'datacenter'] as const;
    for (let i = 0; i < order.length; i++) {
      const present = order.slice(i).reverse().map((c) => hit(c));
      const r = assess({ matches: present });
      expect(r.details).toMatchObject({ category: order[i], source: `${order[i]}-list` });
      expect((r.details?.matches as IntelMatch[]).map((m) => m.category)).toEqual(order.slice(i));
    }
  });

  it('keeps list order among hits of one category', () => {
    const r = assess({ matches: [hit('datacenter', 'z'), hit('abuse', 'b'), hit('abuse', 'a')] });
    expect(r.details).toMatchObject({ source: 'b', category: 'abuse' });
    expect((r.details?.matches as IntelMatch[]).map((m) => m.source)).toEqual(['b', 'a', 'z']);
  });

  it('does not change the intel view it was given', () => {
    const matches = [hit('datacenter'), hit('abuse')];
    const copy = structuredClone(matches);
    assess({ matches, traffic: { failedLogins: 1, windowHours: 24, threshold: 1 } });
    expect(matches).toEqual(copy);
  });
});
