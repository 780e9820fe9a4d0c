import { runAssessors, type AssessorRun } from './assessors/run-assessors.js';
import type { AssessorName, AssessorSettings, Confidence } from './assessors/types.js';
import type { ApplicationConfig, Config } from '../config.js';
import { findApplication } from '../find-application.js';
import { VigilError } from '../errors.js';
import type { IntelMatch, IntelView } from '../intel/lists/types.js';
import type { Metrics } from '../platform/metrics/metrics.js';
import { applyOverrides } from './scoring/apply-overrides.js';
import { combine } from './scoring/combiner.js';
import { challengeUnavailable, decide, type Decision } from './scoring/policy.js';
import { rememberable, remembersBrowsers, stillRemembered } from './scoring/remembered-browser.js';
import type { Caller } from '../caller.js';
import { storedAssessmentId, unsavedAssessmentId } from './assessment-id.js';
import { withDeadline } from '../platform/deadline.js';
import { loadLogin, type LoadedLogin } from './load-login.js';
import type { RememberedBrowser } from '../stores/history/history-store.js';
import { buildLoginContext, historyEntryOf } from './login-context.js';
import { loginTimestamp } from './context/login-timestamp.js';
import type { AssessResponse } from './assess-answer.js';
import { issueChallengeToken } from './issue-challenge-token.js';
import { saveAssessment, type SaveAssessmentDeps } from './save-assessment.js';
import type { ChallengeIssuer } from './challenge-issuer.js';
import type { HistorySnapshot } from './history/snapshot.js';
import type { PopulationCounts } from './familiarity/population-counts.js';
import type { PopulationStats } from './familiarity/population.js';
import type { LoginContextDeps } from './login-context.js';

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

export type { AssessResponse } from './assess-answer.js';

/** What assessing a login reads, writes and counts; the composition root (src/compose.ts) hands it in. */
export interface AssessLoginDeps extends LoginContextDeps, SaveAssessmentDeps {
  config: Config;
  metrics: Metrics;
  /** The population counts the familiarity score reads, and a committed login adds to. */
  population: PopulationStats & Pick<PopulationCounts, 'record'>;
  /** Whether an empty history may be believed after Redis lost its data (src/redis-data/redis-data-watch.ts). */
  redisData: { trusts(history: HistorySnapshot): boolean };
  /** The MFA module's side of a challenge. */
  challenges: ChallengeIssuer;
}

/** Time kept back from the deadline for the assessors, the save and the answer. */
const AFTER_LOAD_BUDGET_MS = 20;

/**
 * Assess one login: build its context in memory, load history (one Redis round trip, bounded
 * by the deadline), run the pure assessors, combine, decide, and save the record — committing
 * it to history at once on `allow` unless the caller asked not to.
 */
export async function assessLogin(deps: AssessLoginDeps, req: AssessRequest, caller: Caller): Promise<AssessResponse> {
  const { config } = deps;
  const startedMs = deps.now();
  const deadlineAt = startedMs + config.assessDeadlineMs;

  const applicationName = req.application ?? 'default';
  const application = findApplication(config, applicationName);
  if (!application) {
    throw new VigilError('unknown_application', `application "${applicationName}" is not configured`);
  }
  if (caller.client.applications.length > 0 && !caller.client.applications.includes(applicationName)) {
    throw new VigilError('forbidden', `client "${caller.client.id}" may not assess for application "${applicationName}"`);
  }
  const atMs = loginTimestamp(req.timestamp, caller.client, startedMs, config.maxTimestampAgeDays);
  const { login, matches, ipSource } = buildLoginContext(
    deps,
    { userId: req.user_id, ip: req.ip, userAgent: req.user_agent, deviceId: req.device_id, atMs },
    caller,
  );

  const browser = browserToLookUp(application, applicationName, login.deviceHash);
  const loaded = await loadHistory(deps, caller, { userId: req.user_id, ip: login.ip, browser }, atMs, deadlineAt - deps.now() - AFTER_LOAD_BUDGET_MS);
  const intel: IntelView = { matches, traffic: loaded?.traffic ?? null };
  // After Redis lost its data an empty history may be a lost one: fail closed (docs/operations.md, "13. Data loss went unnoticed").
  const history = loaded !== null && deps.redisData.trusts(loaded.history) ? loaded.history : null;

  const run = runAssessors(
    // Trust windows and travel speed are measured at the login's own time, so replays work.
    { login, history, intel, population: deps.population, settings: assessorSettings(config), nowMs: atMs },
    { deadlineMs: config.assessorDeadlineMs, clock: () => performance.now() },
  );
  for (const [name, t] of Object.entries(run.timings)) {
    if (t.failed === 'threw') caller.log.error({ err: t.error, assessor: name }, 'assessor threw; answered assessment_not_available');
  }
  const results = applyOverrides(run.results, config.overrides);
  const { confidence, score, evidence, reasons } = combine(results, config.combiner, config.failOpen);
  let decision = decide({
    application,
    applicationName,
    confidence,
    riskReasons: reasons,
    results,
    acrValues: req.acr_values ?? null,
    denyRules: config.denyRules,
    mfa: loaded ? enrollmentOf(loaded.mfaFactors) : null,
    // Remembering ends in real time, whatever the login's own timestamp says.
    rememberedBrowser: loaded !== null && stillRemembered(application, loaded.browserProvenAtMs, startedMs),
    // Without email delivery an unenrolled user cannot be verified: the policy then denies.
    email: deps.challenges.canEmail ? (req.email ?? null) : null,
  });

  // Without Redis nothing is saved, and the id says so to `/complete`.
  let saved = { id: unsavedAssessmentId(config.deviceSecret, caller.client.id, startedMs), committed: false };
  if (loaded !== null) {
    const id = storedAssessmentId();
    const record = {
      id,
      userId: req.user_id,
      application: applicationName,
      clientId: caller.client.id,
      action: decision.action,
      entry: historyEntryOf(login),
      ip: login.ip,
      createdAtMs: startedMs,
    };
    const seen = { history: loaded.history, accountFailures: loaded.traffic?.accountFailures ?? 0 };
    const commit = decision.action === 'allow' && req.commit !== false;
    // The record and the challenge's token go out together, both within the deadline.
    const token =
      decision.action === 'challenge' && decision.mfa
        ? issueChallengeToken(deps, caller, {
            userId: req.user_id,
            clientId: caller.client.id,
            application: applicationName,
            assessmentId: id,
            email: req.email ?? null,
            ip: login.ip,
            stepUp: decision.reasons.includes('step_up_requested'),
            deviceHash: rememberable(req.device_id) ? login.deviceHash : null,
            enrollment: decision.mfa.enrollment ?? application.enrollment,
          }, deadlineAt)
        : null;
    saved = await saveAssessment(deps, caller, record, { commit, seen, deadlineAt });
    if (token !== null && decision.mfa) {
      const mfaToken = await token;
      // A challenge without its token cannot be passed: say so with a deny (docs/operations.md, "10. Challenged logins overran the deadline").
      if (mfaToken === undefined) decision = challengeUnavailable(decision);
      else decision.mfa.mfa_token = mfaToken;
    }
  }
  observe(deps.metrics, applicationName, confidence, decision, { results, timings: run.timings });

  return {
    assessment_id: saved.id,
    risk_assessment: { confidence, version: '1', assessments: results },
    score,
    ...(evidence === undefined ? {} : { evidence }),
    decision,
    committed: saved.committed,
    context: {
      ip: login.ip ?? login.invalidIp,
      ip_source: ipSource,
      ua_family: login.uaFamily,
      location: login.geo.location ? { country: login.geo.location.country, city: login.geo.location.city } : null,
      history: loaded === null ? 'unavailable' : history === null ? 'lost' : 'loaded',
    },
  };
}

const settingsOf = new WeakMap<Config, AssessorSettings>();

/** What the assessors read of the config, made once per config object. */
function assessorSettings(config: Config): AssessorSettings {
  let settings = settingsOf.get(config);
  if (settings === undefined) settingsOf.set(config, (settings = { ...config.assessors, familiarity: config.familiarity }));
  return settings;
}

/** The browser whose remembering the load looks up: only where it could stand in for a challenge, and only for a login with a device. */
function browserToLookUp(application: ApplicationConfig, name: string, deviceHash: string | null): RememberedBrowser | null {
  return remembersBrowsers(application) && deviceHash !== null ? { application: name, deviceHash } : null;
}

/** Enrolled means a factor besides recovery codes; the factors offered are the active types. */
function enrollmentOf(types: readonly string[]): { enrolled: boolean; factors: string[] } {
  return { enrolled: types.some((t) => t !== 'recovery-code'), factors: [...types] };
}

/** The user's history, MFA state and the IP's traffic counters, or null when Redis failed or ran past `budgetMs`. */
async function loadHistory(
  deps: Pick<AssessLoginDeps, 'history' | 'traffic' | 'metrics'>,
  caller: Caller,
  login: { userId: string; ip: string | null; browser: RememberedBrowser | null },
  atMs: number,
  budgetMs: number,
): Promise<LoadedLogin | null> {
  try {
    return await withDeadline(loadLogin(deps, login, atMs), budgetMs);
  } catch (err) {
    deps.metrics.historyUnavailable.inc({ reason: err instanceof Error && err.name === 'DeadlineError' ? 'deadline' : 'error' });
    caller.log.warn({ err: (err as Error).message }, 'history unavailable, assessing without it');
    return null;
  }
}

function observe(metrics: Metrics, application: string, confidence: Confidence, decision: Decision, run: AssessorRun): void {
  metrics.assessments.inc({ application, confidence, action: decision.action });
  if (decision.remembered_browser) metrics.rememberedBrowsers.inc({ application, event: 'skipped_always' });
  for (const name of Object.keys(run.results) as AssessorName[]) {
    const r = run.results[name];
    const t = run.timings[name];
    metrics.assessorResults.inc({ assessor: name, code: r.code, confidence: r.confidence });
    metrics.assessorDuration.observe({ assessor: name }, t.durationMs / 1000);
    if (t.failed) metrics.assessorFailures.inc({ assessor: name, reason: t.failed });
  }
  const untrusted = run.results.UntrustedIP;
  if (untrusted.code === 'found_on_deny_list') {
    // UntrustedIP puts every match, list and traffic alike, in its details (src/risk/assessors/untrusted-ip.ts).
    for (const m of (untrusted.details?.matches ?? []) as IntelMatch[]) metrics.intelMatches.inc({ category: m.category, source: m.source });
  }
}
