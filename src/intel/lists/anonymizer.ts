import type { GeoResult } from '../geo/location.js';
import { isAnonymizer } from '../geo/normalise.js';
import type { IntelMatch } from './types.js';

/** What says an IP hides where its user is: `geoip` (the Anonymous-IP database) or an `anonymizer` list. */
export interface AnonymizerHit {
  source: string;
  /** The listed network; null for the database, whose records are not lists. */
  network: string | null;
}

/**
 * Whether the IP is an anonymizer (VPN, Tor, public or residential proxy), by the Anonymous-IP
 * database's flags or an `anonymizer` list hit; null when neither says so. ImpossibleTravel
 * answers `anonymous_proxy` for it, and its location is not committed as the user's, so a VPN
 * hop reads as impossible travel neither there nor on the way back.
 */
export function findAnonymizer(geo: GeoResult, matches: readonly IntelMatch[]): AnonymizerHit | null {
  if (geo.anonymous !== null && isAnonymizer(geo.anonymous)) return { source: 'geoip', network: null };
  const listed = matches.find((m) => m.category === 'anonymizer');
  return listed ? { source: listed.source, network: listed.network } : null;
}
