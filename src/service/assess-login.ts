import { randomUUID } from 'node:crypto';
import { assessors } from '../assessors/index.js';
import { runAssessors } from '../assessors/run-assessors.js';
import type { Assessment, AssessorName, Confidence, LoginContext } from '../assessors/types.js';
import type { Logger } from 'pino';
import type { ClientConfig } from '../config.js';
import { deviceHash } from '../context/device.js';
import { parseIp, resolveClientIp } from '../context/ip.js';
import type { Deps } from '../deps.js';
import { VigilError } from '../errors.js';
import type { HistoryEntry, HistorySnapshot } from '../history/snapshot.js';
import type { IntelView } from '../intel/types.js';
import { applyOverrides } from '../scoring/apply-overrides.js';
import { combine } from '../scoring/combiner.js';
import { decide, type Decision } from '../scoring/policy.js';
import { withDeadline } from './deadline.js';

/** The body of `POST /v1/assess` (validated by the route schema). */
export interface AssessRequest {
  user_id: string;
  email?: string | undefined;
  ip?: string | undefined;
  user_agent?: string | undefined;
  device_id?: string | undefined;
  application?: string | undefined;
  acr_values?: string | undefined;
  timestamp?: string | undefined;
  commit?: boolean | undefined;
}

/** Who is calling and from where, as the HTTP layer saw it. */
export interface Caller {
  client: ClientConfig;
  connectionIp: string;
  forwardedFor: string | undefined;
  /** The request's logger, so every line carries the request id. */
  log: RequestLog;
}

/** The part of a pino logger the services use. */
export type RequestLog = Pick<Logger, 'warn' | 'info' | 'error'>;

export interface AssessResponse {
  assessment_id: string;
  risk_assessment: {
    confidence: Confidence;
    version: '1';
    assessments: Record<AssessorName, Assessment>;
  };
  score: number;
  decision: Decision;
  committed: boolean;
  context: {
    ip: string | null;
    ip_source: 'forwarded_for' | 'body' | 'connection';
    ua_family: string | null;
    location: { country: string | null; city: string | null } | null;
    history: 'loaded' | 'unavailable';
  };
}

/** Clients may send timestamps a little ahead of our clock. */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Assess one login: resolve context, load history (one Redis round trip, bounded by the
 * deadline), run the pure assessors, combine, decide, and save the record — committing it to
 * history at once on `allow` unless the caller asked not to.
 */
export async function assessLogin(deps: Deps, req: AssessRequest, caller: Caller): Promise<AssessResponse> {
  const { config, metrics } = deps;
  const startedMs = deps.now();
  const deadlineAt = startedMs + config.assessDeadlineMs;

  const applicationName = req.application ?? 'default';
  const application = config.applications[applicationName];
  if (!application) {
    throw new VigilError('unknown_application', `application "${applicationName}" is not configured`);
  }
  if (caller.client.applications.length > 0 && !caller.client.applications.includes(applicationName)) {
    throw new VigilError('forbidden', `client "${caller.client.id}" may not assess for application "${applicationName}"`);
  }
  const atMs = resolveTimestamp(req.timestamp, caller.client, startedMs, config.maxTimestampAgeDays);
  if (req.ip !== undefined && !parseIp(req.ip)) {
    throw new VigilError('invalid_ip_address', `"ip" must be an IPv4 or IPv6 address, got "${req.ip.slice(0, 64)}"`);
  }

  const resolved = resolveClientIp({
    forwardedFor: caller.forwardedFor,
    trustForwardedFor: caller.client.trustForwardedFor,
    bodyIp: req.ip,
    connectionIp: caller.connectionIp,
  });
  if (resolved.ignoredForwardedFor) metrics.forwardedForIgnored.inc({ client: caller.client.id });
  const parsed = resolved.ip ? parseIp(resolved.ip) : null;

  const login: LoginContext = {
    userId: req.user_id,
    ip: parsed?.ip ?? null,
    invalidIp: resolved.invalidIp,
    deviceHash: req.device_id ? deviceHash(config.deviceSecret, req.user_id, req.device_id) : null,
    uaFamily: req.user_agent ? deps.uaFamily(req.user_agent) : null,
    geo: parsed ? deps.geo.lookup(parsed.ip, parsed.family) : { location: null, anonymous: null },
    atMs,
  };
  const matches = parsed ? deps.intel.lookup(parsed.ip, parsed.family) : [];

  let history: HistorySnapshot | null = null;
  let ipFailures: number | null = null;
  try {
    const loaded = await withDeadline(deps.store.load(req.user_id, login.ip, atMs), deadlineAt - deps.now() - 20);
    history = loaded.history;
    ipFailures = loaded.ipFailures;
  } catch (err) {
    metrics.historyUnavailable.inc({ reason: err instanceof Error && err.name === 'DeadlineError' ? 'deadline' : 'error' });
    caller.log.warn({ err: (err as Error).message }, 'history unavailable, assessing without it');
  }

  const traffic = config.assessors.traffic;
  const intel: IntelView = {
    matches,
    traffic:
      ipFailures === null
        ? null
        : { failedLogins: ipFailures, windowHours: traffic.windowHours, threshold: traffic.failedLoginsThreshold },
  };

  const { results: raw, timings } = runAssessors(
    // The trust window and travel speed are measured at the login's own time, so replays work.
    { login, history, intel, settings: { deviceTrustDays: config.assessors.deviceTrustDays, travel: config.assessors.travel }, nowMs: atMs },
    { deadlineMs: config.assessorDeadlineMs, clock: () => performance.now() },
  );
  const results = applyOverrides(raw, config.overrides);
  const { confidence, score } = combine(results, config.combiner, config.failOpen);
  const decision = decide({
    application,
    applicationName,
    confidence,
    results,
    acrValues: req.acr_values ?? null,
    denyRules: config.denyRules,
    // Enrollment state arrives with the MFA module; until then every user is unenrolled.
    mfa: { enrolled: false, factors: [] },
    email: req.email ?? null,
  });

  const id = randomUUID();
  const entry: HistoryEntry = {
    deviceHash: login.deviceHash,
    uaFamily: login.uaFamily,
    location:
      login.geo.location && login.geo.location.lat !== null && login.geo.location.lon !== null
        ? {
            lat: login.geo.location.lat,
            lon: login.geo.location.lon,
            accuracyKm: login.geo.location.accuracyKm,
            atMs,
            country: login.geo.location.country,
            city: login.geo.location.city,
          }
        : null,
    atMs,
  };
  const commit = decision.action === 'allow' && req.commit !== false;
  let committed = false;
  if (history !== null) {
    try {
      const record = { id, userId: req.user_id, application: applicationName, clientId: caller.client.id, action: decision.action, entry, createdAtMs: startedMs };
      await withDeadline(deps.store.saveAssessment(record, commit), Math.max(deadlineAt - deps.now(), 10));
      committed = commit;
      if (commit) metrics.commits.inc({ via: 'assess', result: 'ok' });
    } catch (err) {
      if (commit) metrics.commits.inc({ via: 'assess', result: 'error' });
      caller.log.warn({ err: (err as Error).message, assessment: id }, 'could not save assessment');
    }
  }

  metrics.assessments.inc({ application: applicationName, confidence, action: decision.action });
  for (const name of Object.keys(results) as AssessorName[]) {
    const r = results[name];
    metrics.assessorResults.inc({ assessor: name, code: r.code, confidence: r.confidence });
    const t = timings[name];
    metrics.assessorDuration.observe({ assessor: name }, t.durationMs / 1000);
    if (t.failed) metrics.assessorFailures.inc({ assessor: name, reason: t.failed });
  }

  return {
    assessment_id: id,
    risk_assessment: { confidence, version: '1', assessments: results },
    score,
    decision,
    committed,
    context: {
      ip: login.ip ?? login.invalidIp,
      ip_source: resolved.source,
      ua_family: login.uaFamily,
      location: login.geo.location ? { country: login.geo.location.country, city: login.geo.location.city } : null,
      history: history ? 'loaded' : 'unavailable',
    },
  };
}

function resolveTimestamp(ts: string | undefined, client: ClientConfig, nowMs: number, maxAgeDays: number): number {
  if (ts === undefined) return nowMs;
  if (!client.allowTimestamp) {
    throw new VigilError('timestamp_not_allowed', `client "${client.id}" may not set "timestamp" (allowTimestamp is off)`);
  }
  // ISO 8601 with a time zone: a local time would be read in the server's zone.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(ts)) {
    throw new VigilError('invalid_timestamp', '"timestamp" must be ISO 8601 with a time zone, e.g. 2026-01-01T10:00:00Z');
  }
  const ms = Date.parse(ts);
  // Date.parse rolls a day past the month's end over (2026-02-30 → 2 March); refuse it instead.
  const [y, m, d] = ts.slice(0, 10).split('-').map(Number) as [number, number, number];
  if (Number.isNaN(ms) || new Date(Date.UTC(y, m - 1, d)).getUTCDate() !== d) {
    throw new VigilError('invalid_timestamp', `"timestamp" is not a real date: ${ts}`);
  }
  if (ms > nowMs + MAX_CLOCK_SKEW_MS) throw new VigilError('invalid_timestamp', '"timestamp" is in the future');
  if (ms < nowMs - maxAgeDays * 86_400_000) {
    throw new VigilError('invalid_timestamp', `"timestamp" is more than ${maxAgeDays} days old`);
  }
  return ms;
}
