import type { Confidence } from '../../risk/assessors/types.js';
import type { ClientConfig } from '../../config.js';
import { parseIp } from '../../risk/context/ip.js';
import type { Logger } from 'pino';
import { VigilError } from '../../errors.js';
import { MFA_UNAVAILABLE } from '../../risk/scoring/policy.js';
import { assessLogin, type AssessLoginDeps, type AssessRequest } from '../../risk/assess-login.js';
import type { Caller } from '../../caller.js';
import { CommitPendingError, commitPending, type CommitPendingStores } from '../../risk/commit-pending.js';
import { recordEvent, type RecordEventDeps } from '../../risk/record-event.js';
import type { LoginRow } from './reader.js';
import type { LoginFeatures } from '../../risk/familiarity/features.js';

/** What replaying one row did. */
export interface ReplayedLogin {
  row: LoginRow;
  /**
   * `assessed`: went through `POST /v1/assess`'s code; `failure`: an `outcome: failure` row,
   * through `POST /v1/events`' `login_failed`.
   */
  kind: 'assessed' | 'failure';
  /**
   * The user's legit logins committed earlier in this replay: the history bucket's count. For
   * an attack, the victim's count at the time of the attack.
   */
  history: number;
  action: 'allow' | 'challenge' | 'deny' | null;
  confidence: Confidence | null;
  /** The answer's `score` in [0, 1]. */
  score: number | null;
  /** Assessor name → code, as answered. */
  codes: Record<string, string>;
  /** The `evidence` combiner's terms (signal → nats), or null in `average` mode. */
  evidence: Record<string, number> | null;
  /** Familiarity's details as answered (score, groups, new features, contributions), or null. */
  familiarity: Record<string, unknown> | null;
  reasons: string[];
  /** Whether history learned this login (an allowed or challenged legit login). */
  committed: boolean;
  /**
   * The decision a challenge threshold cannot move (for the threshold sweep): `deny` by a deny
   * rule, `challenge` by policy `always` or a step-up, `allow` under policy `never`; null when
   * the score decides.
   */
  fixed: 'deny' | 'challenge' | 'allow' | null;
  /**
   * Why this row is a replay error, or null: `history_unavailable` (assessed without history,
   * or a challenge Redis was too slow to set up: fail closed, left out of the rates), `commit_failed` (decided, but history did not learn
   * it), `refused:<code>` (the API would have answered 4xx), `failed:<message>`.
   */
  error: string | null;
}

export interface ReplayOptions {
  /** Added to every timestamp, ms (whole weeks, from `timeShift`). */
  shiftMs: number;
  /**
   * Logins in flight at once (≥ 1). A login waits for the previous login of its user and the
   * previous one from its IP, and sees the population counts of whole blocks of rows
   * ({@link POPULATION_BLOCK_ROWS}), so the result does not depend on it; 1 runs one at a time.
   */
  concurrency: number;
  /** Called once per row as it finishes (in completion order), with the row's index. */
  onLogin?: (login: ReplayedLogin, index: number) => void;
}

/** What a replay runs the production path with: the assessment's, the event's and the commit's needs, and a logger. */
export type ReplayDeps = AssessLoginDeps & RecordEventDeps & CommitPendingStores & { logger: Logger };

/** The API client the replay calls as: may set timestamps, trusts no forwarded-for header. */
export const REPLAY_CLIENT: ClientConfig = {
  id: 'vigil-replay',
  // Never used for authentication: the replay calls the service in process.
  keyHash: `sha256:${'0'.repeat(64)}`,
  trustForwardedFor: false,
  allowTimestamp: true,
  applications: [],
};

/**
 * A row without an IP is a request without `ip`: the service then takes the connection's
 * address, here loopback, as for a login service on the same host (docs/evaluate.md).
 */
const CONNECTION_IP = '127.0.0.1';

/**
 * Replay `rows` (in time order) through the production path, in process: each success row
 * through `assessLogin` (context, history load, assessors, combiner, policy, commit), each
 * failure row through `recordEvent`. A legit login that is challenged passes its MFA: it is
 * committed as a successful verify commits it (`commitPending` in `src/risk/commit-pending.ts`:
 * claim → commit → unclaim). A legit deny is not committed. Attacks are assessed with
 * `commit: false` and never completed.
 *
 * Ordering: a login starts after the previous login of its user (whose commit is its history)
 * and the previous login from its IP (traffic counters) have finished. The familiarity
 * population counts, which every login reads and every commit adds to, are merged between
 * blocks of {@link POPULATION_BLOCK_ROWS} rows: a login sees the commits of the blocks before
 * its own and none of its own block's. So the decisions depend neither on timing nor on
 * `concurrency`, and a replay repeats exactly.
 */
export async function replayLogins(deps: ReplayDeps, rows: readonly LoginRow[], opts: ReplayOptions): Promise<void> {
  const population = new BlockPopulation(deps.population);
  const committedLegit = new Map<string, number>();
  const caller: Caller = { client: REPLAY_CLIENT, connectionIp: CONNECTION_IP, forwardedFor: undefined, log: deps.logger };
  const byUser = new Map<string, Promise<void>>();
  const byIp = new Map<string, Promise<void>>();
  const concurrency = Math.max(1, Math.floor(opts.concurrency));
  let inFlight = 0;
  let slotFreed: (() => void) | null = null;
  const running = new Set<Promise<void>>();
  // A throwing `onLogin` stops the dispatch; the promises a later login waits on never reject.
  let failure: { err: unknown } | null = null;

  for (let index = 0; index < rows.length && failure === null; index++) {
    const row = rows[index]!;
    if (index > 0 && index % POPULATION_BLOCK_ROWS === 0) {
      await Promise.all(running);
      population.merge();
    }
    while (inFlight >= concurrency) await new Promise<void>((resolve) => (slotFreed = resolve));
    inFlight++;
    const ipKey = row.ip === undefined ? undefined : (parseIp(row.ip)?.ip ?? row.ip);
    const before = [byUser.get(row.userId), ipKey === undefined ? undefined : byIp.get(ipKey)].filter((p) => p !== undefined);
    const start = before.length === 0 ? Promise.resolve() : before.length === 1 ? before[0]! : Promise.all(before);
    const done: Promise<void> = start
      .then(() => replayOne({ ...deps, population: population.forRow(index) }, caller, row, opts.shiftMs, committedLegit))
      .then((login) => opts.onLogin?.(login, index))
      .catch((err: unknown) => {
        failure ??= { err };
      })
      .finally(() => {
        inFlight--;
        running.delete(done);
        if (byUser.get(row.userId) === done) byUser.delete(row.userId);
        if (ipKey !== undefined && byIp.get(ipKey) === done) byIp.delete(ipKey);
        const wake = slotFreed;
        slotFreed = null;
        wake?.();
      });
    running.add(done);
    byUser.set(row.userId, done);
    if (ipKey !== undefined) byIp.set(ipKey, done);
  }
  await Promise.all(running);
  population.merge();
  if (failure !== null) throw (failure as { err: unknown }).err;
}

/**
 * Rows between two merges of the replay's population counts. A service merges its counts with
 * the other instances' every 30 s (`VIGIL_POPULATION_SYNC_MS`); the replay, one process, would
 * otherwise see each commit at once, in an order that depends on timing.
 */
export const POPULATION_BLOCK_ROWS = 64;

/**
 * The population counts as the replay's logins see them: read through to `counts`; what a
 * login's commit records is held, and added in row order when the block ends.
 */
class BlockPopulation {
  private readonly held: { index: number; features: LoginFeatures }[] = [];

  constructor(private readonly counts: ReplayDeps['population']) {}

  /** Row `index`'s view: the counts as of the last merge, and its commit held for the next. */
  forRow(index: number): ReplayDeps['population'] {
    const { counts, held } = this;
    return {
      get total() {
        return counts.total;
      },
      count: (feature, value) => counts.count(feature, value),
      record: (features) => void held.push({ index, features }),
    };
  }

  /** Add what the block's commits recorded, in row order. */
  merge(): void {
    this.held.sort((a, b) => a.index - b.index);
    for (const { features } of this.held) this.counts.record(features);
    this.held.length = 0;
  }
}

/** Replay one row; never throws (a fault becomes the row's `error`). */
async function replayOne(deps: ReplayDeps, caller: Caller, row: LoginRow, shiftMs: number, committedLegit: Map<string, number>): Promise<ReplayedLogin> {
  const history = committedLegit.get(row.userId) ?? 0;
  const atMs = row.atMs + shiftMs;
  const login: ReplayedLogin = {
    row,
    kind: row.outcome === 'failure' ? 'failure' : 'assessed',
    history,
    action: null,
    confidence: null,
    score: null,
    codes: {},
    evidence: null,
    familiarity: null,
    reasons: [],
    committed: false,
    fixed: null,
    error: null,
  };
  try {
    if (row.outcome === 'failure') {
      // The login service reports a failure as it happens, so the event's time is the row's:
      // the traffic counters are windows over the logins' own times (src/stores/traffic/traffic-windows.ts).
      await recordEvent({ ...deps, now: () => atMs }, { type: 'login_failed', ip: row.ip, user_id: row.userId, user_agent: row.userAgent }, caller);
      return login;
    }
    const legit = row.label === 'legit';
    const req: AssessRequest = {
      user_id: row.userId,
      email: row.email,
      ip: row.ip,
      user_agent: row.userAgent,
      device_id: row.deviceId,
      application: row.application,
      timestamp: new Date(atMs).toISOString(),
      commit: legit ? undefined : false,
    };
    const answer = await assessLogin(deps, req, caller);
    login.action = answer.decision.action;
    login.confidence = answer.risk_assessment.confidence;
    login.score = answer.score;
    login.reasons = answer.decision.reasons;
    for (const [name, a] of Object.entries(answer.risk_assessment.assessments)) login.codes[name] = a.code;
    login.evidence = answer.evidence?.terms ?? null;
    login.familiarity = answer.risk_assessment.assessments.Familiarity.details ?? null;
    login.fixed = fixedDecision(answer.decision.reasons, deps.config.applications[row.application ?? 'default']?.mfaPolicy);
    // A fault's decision either way, not the model's (docs/operations.md, "Redis faults").
    if (answer.context.history !== 'loaded' || answer.decision.reasons.includes(MFA_UNAVAILABLE)) {
      login.error = 'history_unavailable';
      return login;
    }
    if (!legit) return login;
    if (answer.decision.action === 'allow') {
      login.committed = answer.committed;
    } else if (answer.decision.action === 'challenge') {
      // The user passes the second factor: commit as the MFA step does.
      login.committed = (await commitPending(deps, answer.assessment_id, caller.client.id)).outcome === 'committed';
    }
    if (login.action !== 'deny' && !login.committed) login.error = 'commit_failed';
    if (login.committed) committedLegit.set(row.userId, history + 1);
  } catch (err) {
    if (err instanceof VigilError) login.error = `refused:${err.code}`;
    else if (err instanceof CommitPendingError) login.error = 'commit_failed';
    else login.error = `failed:${(err as Error).message}`;
  }
  return login;
}

/** See {@link ReplayedLogin.fixed}; the reasons are the policy's (`src/risk/scoring/policy.ts`). */
function fixedDecision(reasons: readonly string[], mfaPolicy: string | undefined): ReplayedLogin['fixed'] {
  if (reasons.some((r) => r.startsWith('deny_rule:'))) return 'deny';
  if (reasons.includes('mfa_policy_always') || reasons.includes('step_up_requested')) return 'challenge';
  if (mfaPolicy === 'never') return 'allow';
  return null;
}
