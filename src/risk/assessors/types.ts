import type { GeoResult } from '../../intel/geo/location.js';
import type { HistorySnapshot } from '../history/snapshot.js';
import type { AnonymizerHit } from '../../intel/lists/anonymizer.js';
import type { IntelView } from '../../intel/lists/types.js';
import { FAMILIARITY_CODES, type FamiliaritySettings } from '../familiarity/assess-familiarity.js';
import type { LoginFeatures } from '../familiarity/features.js';
import type { PopulationStats } from '../familiarity/population.js';

export type Confidence = 'high' | 'medium' | 'low' | 'neutral';

/** Auth0's three assessors, then Vigil's own (docs/risk-model.md). */
export const ASSESSOR_NAMES = ['NewDevice', 'ImpossibleTravel', 'UntrustedIP', 'Familiarity'] as const;
export type AssessorName = (typeof ASSESSOR_NAMES)[number];

export const NEW_DEVICE_CODES = [
  'match',
  'partial_match',
  'no_match',
  'initial_login',
  'unknown_device',
  'no_device_history',
  'assessment_not_available',
] as const;
export const IMPOSSIBLE_TRAVEL_CODES = [
  'minimal_travel_from_last_login',
  'travel_from_last_login',
  'substantial_travel_from_last_login',
  'impossible_travel_from_last_login',
  'invalid_travel',
  'missing_geoip',
  'anonymous_proxy',
  'unknown_location',
  'initial_login',
  'location_history_not_found',
  'assessment_not_available',
] as const;
export const UNTRUSTED_IP_CODES = [
  'not_found_on_deny_list',
  'found_on_deny_list',
  'invalid_ip_address',
  'assessment_not_available',
] as const;

export const CODES = {
  NewDevice: NEW_DEVICE_CODES,
  ImpossibleTravel: IMPOSSIBLE_TRAVEL_CODES,
  UntrustedIP: UNTRUSTED_IP_CODES,
  Familiarity: FAMILIARITY_CODES,
} as const satisfies Record<AssessorName, readonly string[]>;

export type AssessmentCode<N extends AssessorName = AssessorName> = (typeof CODES)[N][number];

/** One assessor's answer, in Auth0's `riskAssessment.assessments.<Name>` shape. */
export interface Assessment<N extends AssessorName = AssessorName> {
  confidence: Confidence;
  code: AssessmentCode<N>;
  details?: Record<string, unknown>;
}

/**
 * The login as the assessors see it, already resolved: IP normalised, user agent parsed,
 * device id keyed-hashed, GeoIP looked up. Built once per request in `src/risk/login-context.ts`.
 */
export interface LoginContext {
  userId: string;
  /** Normalised end-user IP (`::ffff:a.b.c.d` → `a.b.c.d`), or null when none was valid. */
  ip: string | null;
  /** The raw address that failed validation, when one did. */
  invalidIp: string | null;
  /** HMAC of the device cookie, or null when the caller sent none. */
  deviceHash: string | null;
  /** User-agent family such as `Chrome/Windows`, or null when no user agent was sent. */
  uaFamily: string | null;
  geo: GeoResult;
  /** What says the IP is a VPN, Tor or proxy exit (Anonymous-IP database or an `anonymizer` list), or null. */
  anonymizer: AnonymizerHit | null;
  /** When the login happened, epoch ms (the request's `timestamp`, else now). */
  atMs: number;
  /** The login's familiarity features, keyed for this user (`src/risk/familiarity/extract-features.ts`). */
  features: LoginFeatures;
}

/** Tunables the assessors read; all from config (`src/config.ts`). */
export interface AssessorSettings {
  deviceTrustDays: number;
  travel: {
    /** Speed above which travel is impossible (authentik uses 1000 km/h). */
    maxSpeedKmh: number;
    /** Speed above which travel is plausible only by air. */
    groundSpeedKmh: number;
    /** Distance under which travel is minimal, after uncertainty is removed. */
    minimalDistanceKm: number;
    /** Accuracy radius assumed for a record that gives none (DB-IP Lite). */
    defaultAccuracyKm: number;
    /** Distance always allowed regardless of time (authentik's +100 km). */
    baseAllowanceKm: number;
    /** Elapsed time below this counts as this much (authentik's max(hours, 1)). */
    minElapsedHours: number;
    /** A login farther than this from every familiar place is in an unfamiliar region (docs/risk-model.md). */
    unfamiliarRegionKm: number;
  };
  familiarity: FamiliaritySettings;
  /**
   * Traffic counts at or over these flag the IP (UntrustedIP, docs/ip-intelligence.md, "Traffic
   * reputation").
   */
  traffic: {
    failedLoginsThreshold: number;
    distinctAccountsThreshold: number;
    accountFailuresThreshold: number;
  };
}

/** Everything an assessor may read. Built before the assessors run; they do no I/O. */
export interface AssessorInput {
  login: LoginContext;
  /** The user's history, or null when it could not be loaded (Redis down or late). */
  history: HistorySnapshot | null;
  intel: IntelView;
  /** How common each feature value is across all users (the familiarity model's attacker). */
  population: PopulationStats;
  settings: AssessorSettings;
  /** The clock, epoch ms; assessors never read the time themselves. */
  nowMs: number;
}

/** A pure, synchronous risk assessor. */
export interface Assessor<N extends AssessorName = AssessorName> {
  readonly name: N;
  assess(input: AssessorInput): Assessment<N>;
}
