import { describe, expect, it } from 'vitest';
import { untrustedIp } from '../../src/risk/assessors/untrusted-ip.js';
import type { IntelMatch, IntelView, TrafficCounts } from '../../src/intel/lists/types.js';
import { input, login } from './assessor-fixtures.js';

const IP = '203.0.113.7';
const hit = (category: IntelMatch['category'], source = `${category}-list`): IntelMatch => ({
  network: '203.0.113.0/24',
  source,
  category,
});
const assess = (intel: Partial<IntelView>) => untrustedIp.assess(input({ intel: { matches: [], traffic: null, ...intel } }));
/** Counts against the default thresholds (assessor-fixtures): 100 failed logins, 20 accounts, 10 account failures. */
const traffic = (p: Partial<TrafficCounts> = {}): TrafficCounts => ({ failedLogins: 0, distinctAccounts: 0, accountFailures: 0, ...p });

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

  it('not_found_on_deny_list when every traffic signal is one under its threshold', () => {
    expect(assess({ traffic: traffic({ failedLogins: 99, distinctAccounts: 19, accountFailures: 9 }) }).code).toBe('not_found_on_deny_list');
  });

  it('found_on_deny_list (low) when failed logins reach the threshold, as a traffic/abuse match on the IP with the counts', () => {
    expect(assess({ traffic: traffic({ failedLogins: 100, distinctAccounts: 3 }) })).toEqual({
      confidence: 'low',
      code: 'found_on_deny_list',
      details: {
        ip: IP,
        matches: [{ network: IP, source: 'traffic', category: 'abuse', reason: 'failed_logins' }],
        source: 'traffic',
        category: 'abuse',
        traffic: { failed_logins: 100, distinct_accounts: 3, account_failures: 0 },
      },
    });
  });

  it('one traffic match per signal over its threshold, each naming its reason', () => {
    const reasons = (t: Partial<TrafficCounts>) =>
      ((assess({ traffic: traffic(t) }).details?.matches ?? []) as IntelMatch[]).map((m) => m.reason);
    expect(reasons({ distinctAccounts: 20 })).toEqual(['distinct_accounts']);
    expect(reasons({ accountFailures: 10 })).toEqual(['account_failures']);
    expect(reasons({ failedLogins: 500, distinctAccounts: 50, accountFailures: 12 })).toEqual([
      'failed_logins',
      'distinct_accounts',
      'account_failures',
    ]);
  });

  it('no traffic counts in the details when only lists matched', () => {
    expect(assess({ matches: [hit('abuse')], traffic: traffic({ failedLogins: 3 }) }).details).not.toHaveProperty('traffic');
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
    const withTraffic = assess({ matches: [hit('datacenter')], traffic: traffic({ failedLogins: 100 }) });
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
    assess({ matches, traffic: traffic({ failedLogins: 100 }) });
    expect(matches).toEqual(copy);
  });
});
