import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Every Prometheus metric Vigil exports, built once per app on its own registry.
 * Names follow Prometheus conventions: `_total` counters, `_seconds` histograms.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'vigil_' });
  const fastBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];
  const registers = [registry];

  return {
    registry,
    httpDuration: new Histogram({
      name: 'vigil_http_request_duration_seconds',
      help: 'HTTP request latency by route template, method and status code',
      labelNames: ['route', 'method', 'status'] as const,
      buckets: fastBuckets,
      registers,
    }),
    assessments: new Counter({
      name: 'vigil_assessments_total',
      help: 'Assessments by application, overall confidence and decided action',
      labelNames: ['application', 'confidence', 'action'] as const,
      registers,
    }),
    assessorResults: new Counter({
      name: 'vigil_assessor_results_total',
      help: 'Per-assessor results by code (after overrides) and confidence',
      labelNames: ['assessor', 'code', 'confidence'] as const,
      registers,
    }),
    assessorDuration: new Histogram({
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
    redisDuration: new Histogram({
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
    commits: new Counter({
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
      help: 'Networks loaded per IP list source',
      labelNames: ['source', 'category'] as const,
      registers,
    }),
    ready: new Gauge({
      name: 'vigil_ready',
      help: '1 when Redis answered the last readiness probe',
      registers,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
