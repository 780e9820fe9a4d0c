import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { UaParts } from './risk/context/user-agent.js';
import type { AsnLookup } from './intel/open-asn-lookup.js';
import type { PopulationCounts } from './risk/familiarity/population-counts.js';
import type { IntelFeeds } from './intel/intel-feeds.js';
import type { GeoLocator } from './intel/geo-locator.js';
import type { IpIntel } from './intel/lists/intel.js';
import type { Metrics } from './platform/metrics/metrics.js';
import type { MfaDeps } from './mfa/mfa-deps.js';
import type { MfaRuntime } from './mfa/runtime.js';
import type { ChallengeIssuer } from './risk/challenge-issuer.js';
import type { RedisDataWatch } from './redis-data/redis-data-watch.js';
import type { RedisConnections } from './platform/redis/redis-connections.js';
import type { HistoryStore } from './stores/history/history-store.js';
import type { PendingAssessments } from './stores/pending/pending-assessments.js';
import type { TrafficStore } from './stores/traffic/traffic-store.js';

/**
 * What the composition root (`src/compose.ts`) builds once for one Vigil process. Nothing takes
 * it whole: each use case and route declares the few fields it needs (docs/design.md, "Layout"),
 * and this satisfies them all. Nothing below reads env or opens connections of its own.
 */
export interface Deps {
  config: Config;
  logger: Logger;
  /** Every Redis connection of the process (readiness pings; the stores hold their own ports). */
  redis: RedisConnections;
  /** Users' login history. */
  history: HistoryStore;
  /** Assessments kept for a later commit. */
  pending: PendingAssessments;
  /** Failed-login counters per IP and the flagged set. */
  traffic: TrafficStore;
  geo: GeoLocator;
  intel: IpIntel;
  /** The IP lists' shared state, sync loop and refresh job. */
  feeds: IntelFeeds;
  uaFamily(ua: string): string | null;
  /** Browser + major, OS family and device type of a user agent (the familiarity features). */
  uaParts(ua: string): UaParts | null;
  /** Address → autonomous system, for the familiarity features. */
  asn: AsnLookup;
  /** Population counts of the familiarity features (the model's attacker), shared through Redis. */
  population: PopulationCounts;
  metrics: Metrics;
  mfa: MfaRuntime;
  /** The MFA module's side of a challenge, for the assessment: whether it can email, and the mfa_token. */
  challenges: ChallengeIssuer;
  /** The risk feature's commit of a challenged login, for the MFA module (src/risk/commit-pending.ts). */
  commitChallenged: MfaDeps['commitChallenged'];
  /** Whether Redis lost its data, and whether an empty history may be believed (docs/operations.md, "Redis faults"). */
  redisData: RedisDataWatch;
  /** Set on SIGTERM/SIGINT: `/health/ready` answers 503 while the listener still serves (the shutdown grace). */
  lifecycle: { draining: boolean };
  /** The clock, epoch ms; tests pass a fake one. */
  now(): number;
}
