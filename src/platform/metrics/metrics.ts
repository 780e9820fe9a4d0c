import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { HotCounter, HotHistogram } from './hot-metrics.js';

/**
 * Every Prometheus metric Vigil exports, built once per app on its own registry.
 * Names follow Prometheus conventions: `_total` counters, `_seconds` histograms. The ones each
 * assessment updates are `HotCounter`/`HotHistogram` (src/platform/metrics/hot-metrics.ts), the same to a scraper.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'vigil_' });
  const fastBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];
  const registers = [registry];

  return {
    registry,
    httpDuration: new HotHistogram({
      name: 'vigil_http_request_duration_seconds',
      help: 'HTTP request latency by route template, method and status code',
      labelNames: ['route', 'method', 'status'] as const,
      buckets: fastBuckets,
      registers,
    }),
    assessments: new HotCounter({
      name: 'vigil_assessments_total',
      help: 'Assessments by application, overall confidence and decided action',
      labelNames: ['application', 'confidence', 'action'] as const,
      registers,
    }),
    assessorResults: new HotCounter({
      name: 'vigil_assessor_results_total',
      help: 'Per-assessor results by code (after overrides) and confidence',
      labelNames: ['assessor', 'code', 'confidence'] as const,
      registers,
    }),
    assessorDuration: new HotHistogram({
      name: 'vigil_assessor_duration_seconds',
      help: 'Time each assessor took',
      labelNames: ['assessor'] as const,
      buckets: [0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05],
      registers,
    }),
    assessorFailures: new Counter({
      name: 'vigil_assessor_failures_total',
      help: 'Assessors that threw or missed their deadline (answered assessment_not_available)',
      labelNames: ['assessor', 'reason'] as const,
      registers,
    }),
    redisDuration: new HotHistogram({
      name: 'vigil_redis_duration_seconds',
      help: 'Redis round-trip latency by operation',
      labelNames: ['op'] as const,
      buckets: fastBuckets,
      registers,
    }),
    redisErrors: new Counter({
      name: 'vigil_redis_errors_total',
      help: 'Redis operations that failed or timed out, by operation',
      labelNames: ['op'] as const,
      registers,
    }),
    historyUnavailable: new Counter({
      name: 'vigil_history_unavailable_total',
      help: 'Assessments made without history because Redis failed or missed the deadline',
      labelNames: ['reason'] as const,
      registers,
    }),
    commits: new HotCounter({
      name: 'vigil_commits_total',
      help: 'Logins committed to history, by how (assess, complete) and result',
      labelNames: ['via', 'result'] as const,
      registers,
    }),
    forwardedForIgnored: new Counter({
      name: 'vigil_forwarded_for_ignored_total',
      help: 'auth0-forwarded-for headers ignored because the client is not trusted for them',
      labelNames: ['client'] as const,
      registers,
    }),
    events: new Counter({
      name: 'vigil_events_total',
      help: 'Events received on /v1/events by type',
      labelNames: ['type'] as const,
      registers,
    }),
    authFailures: new Counter({
      name: 'vigil_auth_failures_total',
      help: 'Requests refused for a missing or wrong API key',
      labelNames: ['reason'] as const,
      registers,
    }),
    mfaEnrollments: new Counter({
      name: 'vigil_mfa_enrollments_total',
      help: 'Authenticator enrollments by factor and stage (started, confirmed, failed)',
      labelNames: ['factor', 'result'] as const,
      registers,
    }),
    mfaChallenges: new Counter({
      name: 'vigil_mfa_challenges_total',
      help: 'MFA challenges started by factor',
      labelNames: ['factor'] as const,
      registers,
    }),
    mfaVerifications: new Counter({
      name: 'vigil_mfa_verifications_total',
      help: 'MFA verifications by factor (including email_verification) and result',
      labelNames: ['factor', 'result'] as const,
      registers,
    }),
    mfaLimitHits: new Counter({
      name: 'vigil_mfa_limit_hits_total',
      help: 'Requests refused by an MFA rate limit, by limit',
      labelNames: ['limit'] as const,
      registers,
    }),
    mfaResults: new Counter({
      name: 'vigil_mfa_result_tokens_total',
      help: 'Signed MFA result tokens issued, by application',
      labelNames: ['application'] as const,
      registers,
    }),
    rememberedBrowsers: new Counter({
      name: 'vigil_remembered_browsers_total',
      help: 'Browsers remembered after a second factor (remembered), not remembered though asked (off, no_device, recovery_code, no_factor, store_unavailable), and logins the always policy allowed because their browser was remembered (skipped_always), by application',
      labelNames: ['application', 'event'] as const,
      registers,
    }),
    emails: new Counter({
      name: 'vigil_email_deliveries_total',
      help: 'Code emails by outcome (queued, sent, retried, failed)',
      labelNames: ['result'] as const,
      registers,
    }),
    emailQueue: new Gauge({
      name: 'vigil_email_queue_jobs',
      help: 'Email jobs in the queue by state, read at scrape time',
      labelNames: ['state'] as const,
      registers,
    }),
    intelListSize: new Gauge({
      name: 'vigil_intel_list_networks',
      help: 'Networks in the version of each IP list source this instance uses (manual entries: category "mixed")',
      labelNames: ['source', 'category'] as const,
      registers,
    }),
    intelListVersion: new Gauge({
      name: 'vigil_intel_list_version',
      help: 'Version of each IP list source this instance uses; instances converge on the same one',
      labelNames: ['source'] as const,
      registers,
    }),
    intelListAge: new Gauge({
      name: 'vigil_intel_list_age_seconds',
      help: 'Time since the last successful fetch of each IP list source (grows while a source fails)',
      labelNames: ['source'] as const,
      registers,
    }),
    intelListFailures: new Gauge({
      name: 'vigil_intel_list_consecutive_failures',
      help: 'Failed fetches of each IP list source since its last success',
      labelNames: ['source'] as const,
      registers,
    }),
    intelRefreshes: new Counter({
      name: 'vigil_intel_refreshes_total',
      help: 'IP list refreshes run by this instance, by source and result (updated, unchanged, failed)',
      labelNames: ['source', 'result'] as const,
      registers,
    }),
    intelSwapDuration: new Histogram({
      name: 'vigil_intel_swap_seconds',
      help: 'Time a new IP list version blocked this instance while it was decoded and swapped in',
      buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
      registers,
    }),
    intelSyncFailures: new Counter({
      name: 'vigil_intel_sync_failures_total',
      help: 'Polls of the IP list state in Redis that failed (the lists in use stay)',
      registers,
    }),
    intelMatches: new Counter({
      name: 'vigil_intel_matches_total',
      help: 'IP list and traffic matches reported by UntrustedIP, by category and source',
      labelNames: ['category', 'source'] as const,
      registers,
    }),
    trafficFlaggedIps: new Gauge({
      name: 'vigil_traffic_flagged_ips',
      help: 'IPs currently over a traffic threshold (failed logins or distinct accounts)',
      registers,
    }),
    populationLogins: new Gauge({
      name: 'vigil_population_logins',
      help: 'Committed logins in the shared population counts of the familiarity model, as last merged',
      registers,
    }),
    populationSyncFailures: new Counter({
      name: 'vigil_population_sync_failures_total',
      help: 'Background merges of the population counts into Redis that failed (retried at the next interval)',
      registers,
    }),
    ready: new Gauge({
      name: 'vigil_ready',
      help: '1 when the last readiness probe answered ready: Redis answered and the process is not shutting down',
      registers,
    }),
    redisDataLosses: new Counter({
      name: 'vigil_redis_data_losses_total',
      help: 'Times this instance found that Redis had lost its data (the data marker was gone)',
      registers,
    }),
    redisDataSince: new Gauge({
      name: 'vigil_redis_data_since_timestamp_seconds',
      help: 'When the data marker in Redis was written: since when Redis holds Vigil\'s data (a jump is a data loss)',
      registers,
    }),
    redisDataFailClosed: new Gauge({
      name: 'vigil_redis_data_loss_fail_closed',
      help: '1 while empty histories are assessed as unavailable after a data loss',
      registers,
    }),
    emailQueueReadFailures: new Counter({
      name: 'vigil_email_queue_read_failures_total',
      help: 'Scrapes that served no email queue counts because Redis did not answer in time',
      registers,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
