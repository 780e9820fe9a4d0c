/** The categories an UntrustedIP hit can carry (DESIGN §2). */
export const INTEL_CATEGORIES = ['abuse', 'anonymizer', 'datacenter', 'reputation', 'unroutable'] as const;
export type IntelCategory = (typeof INTEL_CATEGORIES)[number];

/** One list entry that holds an address: which network, from which source, why. */
export interface IntelMatch {
  network: string;
  source: string;
  category: IntelCategory;
}

/** Failed-login reputation of one IP, from `POST /v1/events`. */
export interface TrafficReputation {
  failedLogins: number;
  windowHours: number;
  threshold: number;
}

/**
 * What is known about the end-user IP before the assessors run: static list hits (in memory)
 * and traffic reputation (loaded from Redis with the user's history; null when unavailable).
 */
export interface IntelView {
  matches: readonly IntelMatch[];
  traffic: TrafficReputation | null;
}
