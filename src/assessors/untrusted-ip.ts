import type { IntelCategory, IntelMatch, IntelView } from '../intel/types.js';
import type { Assessment, Assessor, AssessorInput } from './types.js';

/** Most severe first; the first match after sorting names the `source` and `category`. */
const SEVERITY: readonly IntelCategory[] = ['abuse', 'reputation', 'anonymizer', 'unroutable', 'datacenter'];

/**
 * Every list entry holding `ip`, plus a synthetic `traffic`/`abuse` match when failed logins
 * reached the threshold (the high-velocity signal Auth0 builds its deny lists from), sorted
 * by severity; the sort is stable, so equal categories keep the list order.
 */
function collectMatches(ip: string, intel: IntelView): IntelMatch[] {
  const matches = [...intel.matches];
  const t = intel.traffic;
  if (t !== null && t.failedLogins >= t.threshold) matches.push({ network: ip, source: 'traffic', category: 'abuse' });
  return matches.sort((a, b) => SEVERITY.indexOf(a.category) - SEVERITY.indexOf(b.category));
}

/**
 * UntrustedIP (DESIGN §2): is the end-user IP on a deny list or seen in an attack?
 *
 * A hit is `low`, except when every hit is only `datacenter`: logins from cloud ranges are
 * common enough (corporate VPNs, remote desktops) that alone they are `medium`.
 */
export const untrustedIp = {
  name: 'UntrustedIP',
  assess({ login, intel }: AssessorInput): Assessment<'UntrustedIP'> {
    // The service always has a connection address, so no IP at all means it was unusable.
    if (login.ip === null) return { confidence: 'low', code: 'invalid_ip_address', details: { ip: login.invalidIp } };

    const matches = collectMatches(login.ip, intel);
    const first = matches[0];
    if (first === undefined) return { confidence: 'high', code: 'not_found_on_deny_list' };
    return {
      confidence: matches.every((m) => m.category === 'datacenter') ? 'medium' : 'low',
      code: 'found_on_deny_list',
      details: { ip: login.ip, matches, source: first.source, category: first.category },
    };
  },
} as const satisfies Assessor<'UntrustedIP'>;
