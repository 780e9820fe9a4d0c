/** The categories an UntrustedIP hit can carry (docs/ip-intelligence.md). */
export const INTEL_CATEGORIES = ['abuse', 'anonymizer', 'datacenter', 'reputation', 'unroutable'] as const;
export type IntelCategory = (typeof INTEL_CATEGORIES)[number];

/** The built-in source of unroutable addresses, always present. */
export const BOGON_SOURCE = 'bogons';
/** The built-in source of entries added through the admin API. */
export const MANUAL_SOURCE = 'manual';
/** The source named by hits from traffic reputation (failed logins seen by Vigil). */
export const TRAFFIC_SOURCE = 'traffic';
/** Sources Vigil provides itself; configured list sources may not take these names. */
export const BUILTIN_SOURCES = [BOGON_SOURCE, MANUAL_SOURCE, TRAFFIC_SOURCE] as const;

/** How a list source's bytes are read (docs/ip-intelligence.md, "IP lists"). */
export const LIST_FORMATS = ['netset', 'ipsum', 'mmdb-anonymous'] as const;
export type ListFormat = (typeof LIST_FORMATS)[number];

/** One list entry that holds an address: which network, from which source, why. */
export interface IntelMatch {
  network: string;
  source: string;
  category: IntelCategory;
  /** Why, where the source says: an admin's note on a manual entry, the signal of a traffic hit. */
  reason?: string;
}

/**
 * Failed-login reputation of one IP, from `POST /v1/events`: failed logins, distinct accounts
 * they targeted, and this account's failures from the IP, each within its sliding window at the
 * login's time (docs/ip-intelligence.md, "Traffic reputation").
 */
export interface TrafficCounts {
  failedLogins: number;
  distinctAccounts: number;
  accountFailures: number;
}

/**
 * What is known about the end-user IP before the assessors run: static list hits (in memory)
 * and traffic reputation (loaded from Redis with the user's history; null when unavailable).
 */
export interface IntelView {
  matches: readonly IntelMatch[];
  traffic: TrafficCounts | null;
}
