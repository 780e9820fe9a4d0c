import { TRAFFIC_SOURCE, type IntelCategory, type IntelMatch, type TrafficCounts } from '../../intel/lists/types.js';
import type { Assessment, Assessor, AssessorInput, AssessorSettings } from './types.js';

/** Most severe first; the first match after sorting names the `source` and `category`. */
const SEVERITY: readonly IntelCategory[] = ['abuse', 'reputation', 'anonymizer', 'unroutable', 'datacenter'];

/**
 * The traffic signals at or over their thresholds, each a `traffic`/`abuse` match on the IP
 * itself (the high-velocity signal Auth0 builds its deny lists from). `reason` names the
 * signal: `failed_logins` and `distinct_accounts` flag the IP for every account;
 * `account_failures` flags it for this account only.
 */
function trafficMatches(ip: string, t: TrafficCounts | null, at: AssessorSettings['traffic']): IntelMatch[] {
  if (t === null) return [];
  const signals = [
    ['failed_logins', t.failedLogins >= at.failedLoginsThreshold],
    ['distinct_accounts', t.distinctAccounts >= at.distinctAccountsThreshold],
    ['account_failures', t.accountFailures >= at.accountFailuresThreshold],
  ] as const;
  return signals.filter(([, over]) => over).map(([reason]) => ({ network: ip, source: TRAFFIC_SOURCE, category: 'abuse', reason }));
}

/**
 * UntrustedIP (docs/risk-model.md, "UntrustedIP"): is the end-user IP on a deny list or seen in an
 * attack?
 *
 * Every list entry holding the IP, plus the traffic signals over their thresholds, sorted by
 * severity (a stable sort: equal categories keep the list order). A hit is `low`, except when
 * every hit is only `datacenter`: logins from cloud ranges are common enough (corporate VPNs,
 * remote desktops) that alone they are `medium`. With a traffic hit, details carry the counts.
 */
export const untrustedIp = {
  name: 'UntrustedIP',
  assess({ login, intel, settings }: AssessorInput): Assessment<'UntrustedIP'> {
    // The service always has a connection address, so no IP at all means it was unusable.
    if (login.ip === null) return { confidence: 'low', code: 'invalid_ip_address', details: { ip: login.invalidIp } };

    const traffic = trafficMatches(login.ip, intel.traffic, settings.traffic);
    const matches = [...intel.matches, ...traffic].sort((a, b) => SEVERITY.indexOf(a.category) - SEVERITY.indexOf(b.category));
    const first = matches[0];
    if (first === undefined) return { confidence: 'high', code: 'not_found_on_deny_list' };
    const details: Record<string, unknown> = { ip: login.ip, matches, source: first.source, category: first.category };
    if (traffic.length > 0 && intel.traffic !== null) {
      const t = intel.traffic;
      details.traffic = { failed_logins: t.failedLogins, distinct_accounts: t.distinctAccounts, account_failures: t.accountFailures };
    }
    return {
      confidence: matches.every((m) => m.category === 'datacenter') ? 'medium' : 'low',
      code: 'found_on_deny_list',
      details,
    };
  },
} as const satisfies Assessor<'UntrustedIP'>;
