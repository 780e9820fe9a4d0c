import type { ChainableCommander, Redis } from 'ioredis';
import type { TrafficConfig } from '../config.js';
import { accountHash } from '../context/account-hash.js';
import type { TrafficCounts } from '../intel/types.js';
import type { HistoryEntry, HistorySnapshot, LastLocation } from './snapshot.js';
import type { Keys } from './keys.js';
import { timed, type OpObserver } from './timed.js';
import {
  CLAIM_ASSESSMENT,
  CLEAR_USER_PART,
  COMMIT_LOGIN,
  LOAD_USER,
  READ_TRAFFIC,
  RECORD_FAILURE,
  SAVE_ASSESSMENT,
  UNCLAIM_ASSESSMENT,
} from './scripts.js';
import { MAX_ACCOUNTS_PER_IP, accountBuckets, hourOf } from './traffic.js';

/** An assessment kept for 10 minutes so `/complete` or the MFA step can commit it later. */
export interface AssessmentRecord {
  id: string;
  userId: string;
  application: string;
  clientId: string;
  action: 'allow' | 'challenge' | 'deny';
  entry: HistoryEntry;
  /** The end-user IP, whose failures for this account a commit clears. */
  ip: string | null;
  createdAtMs: number;
}

export type ClaimResult = { ok: true; record: AssessmentRecord } | { ok: false; reason: 'missing' | 'already_committed' };

export interface HistoryLimits {
  deviceTrustDays: number;
  historyRetentionDays: number;
  maxDevices: number;
  maxUserAgents: number;
  traffic: TrafficConfig;
  /** Secret of the keyed hash that stands for an account in per-IP counters (`accountHash`), so they hold no user id. */
  accountSecret: string;
}

/** What an assessment's load saw, for its commit. */
export interface LoadedForCommit {
  history: HistorySnapshot;
  /** This account's failures from the login's IP (0 without an IP). */
  accountFailures: number;
}

/** A failed login counted: the IP's counters after it, and until when the IP is flagged (null: it is not). */
export interface FailureRecorded {
  counts: TrafficCounts;
  flaggedUntilMs: number | null;
}

/** An IP's traffic counters as an admin sees them. */
export interface IpTraffic {
  failedLogins: number;
  distinctAccounts: number;
  /** Accounts with failures from this IP in the window (at most the per-IP cap). */
  accountsWithFailures: number;
  flaggedUntilMs: number | null;
}

/** Assessment records live this long (DESIGN §4: kept 10 minutes for the MFA step). */
export const ASSESSMENT_TTL_SEC = 600;

interface Scripts {
  vigilCommit(key: string, ...args: (string | number)[]): Promise<number>;
  vigilFailure(...keysThenArgs: (string | number)[]): Promise<[number, number, number, number, number]>;
  /** Returns a promise called on the client, the pipeline when queued on one. */
  vigilReadTraffic(...keysThenArgs: (string | number)[]): Promise<unknown> & ChainableCommander;
  vigilLoadUser(userKey: string, mfaKey: string): Promise<[string[], string | null]>;
  vigilSave(key: string, ttlSec: number, clientId: string, data: string): Promise<number>;
  vigilClaim(key: string, clientId: string): Promise<string | number>;
  vigilUnclaim(key: string): Promise<number>;
  vigilClearPart(key: string, part: HistoryPart): Promise<number>;
}

/** The parts of a user's history an admin can clear separately. */
export type HistoryPart = 'devices' | 'location';

const SEC = 1000;

/**
 * Users' login history, IP failure counters and pending assessments in Redis.
 * Each operation is one round trip; multi-field updates are Lua scripts on one key.
 */
export class HistoryStore {
  private readonly redis: Redis & Scripts;

  constructor(
    redis: Redis,
    private readonly keys: Keys,
    private readonly limits: HistoryLimits,
    private readonly observe: OpObserver = () => {},
  ) {
    redis.defineCommand('vigilCommit', { numberOfKeys: 1, lua: COMMIT_LOGIN });
    redis.defineCommand('vigilFailure', { lua: RECORD_FAILURE });
    redis.defineCommand('vigilReadTraffic', { lua: READ_TRAFFIC });
    redis.defineCommand('vigilLoadUser', { numberOfKeys: 2, lua: LOAD_USER, readOnly: true });
    redis.defineCommand('vigilSave', { numberOfKeys: 1, lua: SAVE_ASSESSMENT });
    redis.defineCommand('vigilClaim', { numberOfKeys: 1, lua: CLAIM_ASSESSMENT });
    redis.defineCommand('vigilUnclaim', { numberOfKeys: 1, lua: UNCLAIM_ASSESSMENT });
    redis.defineCommand('vigilClearPart', { numberOfKeys: 1, lua: CLEAR_USER_PART });
    this.redis = redis as Redis & Scripts;
  }

  /**
   * The user's history, active MFA factor types and the IP's traffic counters (this account's
   * failures from the IP among them) at `atMs`, in one round trip. `traffic` is null without an IP.
   *
   * Both commands are written before either answer is awaited, so the load costs one round
   * trip of latency (two scripts, as the user's keys and the IP's sit in different Cluster slots).
   */
  async load(
    userId: string,
    ip: string | null,
    atMs: number,
  ): Promise<{ history: HistorySnapshot; mfaFactors: string[]; traffic: TrafficCounts | null }> {
    const [[userHash, mfaSummary], traffic] = await this.timed('load', () =>
      Promise.all([
        this.redis.vigilLoadUser(this.keys.user(userId), this.keys.mfa(userId)),
        ip ? this.readTraffic(ip, this.account(userId), atMs) : null,
      ]),
    );
    return {
      history: parseUserHash(userHash),
      mfaFactors: typeof mfaSummary === 'string' && mfaSummary ? mfaSummary.split(',') : [],
      traffic: ip ? trafficCounts(traffic) : null,
    };
  }

  /**
   * Store an assessment that may be committed later (`/complete`, or the MFA step) for
   * {@link ASSESSMENT_TTL_SEC}. One committed at once is not stored: its id is its receipt
   * (src/service/assessment-id.ts).
   */
  async savePending(record: AssessmentRecord): Promise<void> {
    await this.timed('save', () => this.redis.vigilSave(this.keys.assessment(record.id), ASSESSMENT_TTL_SEC, record.clientId, JSON.stringify(record)));
  }

  /**
   * Commit a login just assessed, with what its load saw: the snapshot tells whether the
   * commit must trim (see COMMIT_LOGIN), and the account's failures from the IP whether there
   * are any to clear. One round trip, usually of one command.
   */
  async commitAssessed(record: Pick<AssessmentRecord, 'userId' | 'entry' | 'ip'>, seen: LoadedForCommit): Promise<void> {
    const writes: Promise<unknown>[] = [
      this.redis.vigilCommit(this.keys.user(record.userId), ...this.commitArgs(record.entry, mayNeedTrim(seen.history, record.entry, this.limits))),
    ];
    // A success ends brute-force suspicion for this account from this IP (see queueCommit).
    if (record.ip && seen.accountFailures > 0) writes.push(this.redis.hdel(this.keys.ipAccountFailures(record.ip), this.account(record.userId)));
    await this.timed('commit', () => Promise.all(writes));
  }

  /** Commit a login to its user's history (atomic merge, trim and cap), with nothing loaded before it. */
  async commit(record: Pick<AssessmentRecord, 'userId' | 'entry' | 'ip'>): Promise<void> {
    await this.timed('commit', () => execPipeline(this.queueCommit(this.redis.pipeline(), record)));
  }

  /**
   * The commit of a login, and the reset of the account's failures from its IP: a success
   * ends brute-force suspicion for that account and address (as Auth0's protection does), and
   * leaves the IP's own counters alone, so it cannot whitewash an IP attacking other accounts.
   */
  private queueCommit(pipe: ChainableCommander, record: Pick<AssessmentRecord, 'userId' | 'entry' | 'ip'>): ChainableCommander {
    (pipe as unknown as Scripts).vigilCommit(this.keys.user(record.userId), ...this.commitArgs(record.entry, true));
    if (record.ip) pipe.hdel(this.keys.ipAccountFailures(record.ip), this.account(record.userId));
    return pipe;
  }

  /**
   * Take a pending assessment of `clientId` for commit; a second claim of the same id fails.
   * Another client's assessment is `missing`, whether or not it was claimed.
   */
  async claimAssessment(id: string, clientId: string): Promise<ClaimResult> {
    const res = await this.timed('claim', () => this.redis.vigilClaim(this.keys.assessment(id), clientId));
    if (res === -1) return { ok: false, reason: 'missing' };
    if (res === 0) return { ok: false, reason: 'already_committed' };
    return { ok: true, record: JSON.parse(String(res)) as AssessmentRecord };
  }

  /** Release a claim after a failed commit so the caller may retry. */
  async unclaimAssessment(id: string): Promise<void> {
    await this.timed('unclaim', () => this.redis.vigilUnclaim(this.keys.assessment(id)));
  }

  /**
   * Count a failed login from `ip`, for `account` when named (README "Traffic reputation").
   * When the IP crosses an IP-wide threshold, it is entered in the flagged set until the flag
   * lapses by itself (a second round trip, only then).
   */
  async recordFailure(ip: string, account: string | null, atMs: number): Promise<FailureRecorded> {
    const t = this.limits.traffic;
    const { keys, buckets, bucketSec } = this.trafficKeys(ip, atMs);
    const args = [hourOf(atMs), t.windowHours, account === null ? '' : this.account(account), MAX_ACCOUNTS_PER_IP, t.failedLoginsThreshold, t.distinctAccountsThreshold, buckets[0]!, bucketSec];
    const [failedLogins, failuresUntil, accountFailures, distinctAccounts, distinctUntil] = await this.timed('event', () =>
      this.redis.vigilFailure(keys.length, ...keys, ...args),
    );
    const untilSec = Math.max(failuresUntil, distinctUntil);
    const flaggedUntilMs = untilSec > 0 ? untilSec * SEC : null;
    if (flaggedUntilMs !== null) await this.timed('event', () => this.redis.zadd(this.keys.intelFlagged, 'GT', flaggedUntilMs, ip));
    return { counts: { failedLogins, distinctAccounts, accountFailures }, flaggedUntilMs };
  }

  /** An IP's traffic counters at `atMs`, for the admin lookup. */
  async ipTraffic(ip: string, atMs: number): Promise<IpTraffic> {
    const pipe = this.queueReadTraffic(this.redis.pipeline(), ip, '', atMs)
      .hlen(this.keys.ipAccountFailures(ip))
      .zscore(this.keys.intelFlagged, ip);
    const [traffic, accounts, until] = await this.timed('admin', () => execPipeline(pipe));
    const { failedLogins, distinctAccounts } = trafficCounts(traffic);
    const untilMs = until === null ? null : Number(until);
    return { failedLogins, distinctAccounts, accountsWithFailures: accounts as number, flaggedUntilMs: untilMs !== null && untilMs > atMs ? untilMs : null };
  }

  /** The keys of an IP's traffic counters in the window ending at `atMs`, as the scripts take them. */
  private trafficKeys(ip: string, atMs: number): { keys: string[]; buckets: number[]; bucketSec: number } {
    const { buckets, bucketSec } = accountBuckets(atMs, this.limits.traffic);
    return { keys: [this.keys.ipFailures(ip), this.keys.ipAccountFailures(ip), ...buckets.map((b) => this.keys.ipAccounts(ip, b))], buckets, bucketSec };
  }

  /** Read an IP's counters (and `account`'s from it) at `atMs`. */
  private readTraffic(ip: string, account: string, atMs: number): Promise<unknown> {
    const { keys } = this.trafficKeys(ip, atMs);
    return this.redis.vigilReadTraffic(keys.length, ...keys, hourOf(atMs), this.limits.traffic.windowHours, account);
  }

  /** Queue the read of an IP's counters (and `account`'s from it; '' for none) at `atMs`. */
  private queueReadTraffic(pipe: ChainableCommander, ip: string, account: string, atMs: number): ChainableCommander {
    const { keys } = this.trafficKeys(ip, atMs);
    return (pipe as unknown as Scripts & ChainableCommander).vigilReadTraffic(keys.length, ...keys, hourOf(atMs), this.limits.traffic.windowHours, account);
  }

  /** IPs whose traffic flag has not lapsed at `nowMs`; lapsed ones are dropped from the set. */
  async countFlagged(nowMs: number): Promise<number> {
    const pipe = this.redis.pipeline().zremrangebyscore(this.keys.intelFlagged, '-inf', nowMs).zcard(this.keys.intelFlagged);
    const [, count] = await this.timed('intel', () => execPipeline(pipe));
    return count as number;
  }

  /** Forget one part of a user's history; returns how many entries went. */
  async clearHistory(userId: string, part: HistoryPart): Promise<number> {
    return this.timed('admin', () => this.redis.vigilClearPart(this.keys.user(userId), part));
  }

  /** Erase everything stored about a user's logins. Returns whether there was anything. */
  async eraseUser(userId: string): Promise<boolean> {
    return (await this.timed('admin', () => this.redis.del(this.keys.user(userId)))) > 0;
  }

  async ping(): Promise<void> {
    await this.timed('ping', () => this.redis.ping());
  }

  private account(userId: string): string {
    return accountHash(this.limits.accountSecret, userId);
  }

  private commitArgs(e: HistoryEntry, trim: boolean): (string | number)[] {
    const loc = e.location;
    return [
      Math.floor(e.atMs / SEC),
      this.limits.deviceTrustDays * 86_400,
      this.limits.maxDevices,
      this.limits.maxUserAgents,
      this.limits.historyRetentionDays * 86_400,
      e.deviceHash ?? '',
      e.uaFamily ?? '',
      loc ? encodeLocation(loc) : '',
      trim ? '1' : '',
    ];
  }

  private timed<T>(op: string, fn: () => Promise<T>): Promise<T> {
    return timed(this.observe, op, fn);
  }

}

/**
 * Whether committing `entry` over the loaded `history` may leave an entry past the trust
 * window or a kind over its cap, so COMMIT_LOGIN must trim. Same arithmetic as the script's
 * (seconds there, ms here): the window ends at the later of the last login and this one.
 */
export function mayNeedTrim(
  history: HistorySnapshot,
  entry: HistoryEntry,
  limits: Pick<HistoryLimits, 'deviceTrustDays' | 'maxDevices' | 'maxUserAgents'>,
): boolean {
  const cutoffMs = Math.max(history.lastLoginMs ?? 0, entry.atMs) - limits.deviceTrustDays * 86_400 * SEC;
  const over = (seen: ReadonlyMap<string, number>, key: string | null, max: number) => {
    if (seen.size + (key !== null && !seen.has(key) ? 1 : 0) > max) return true;
    for (const at of seen.values()) if (at < cutoffMs) return true;
    return false;
  };
  return over(history.devices, entry.deviceHash, limits.maxDevices) || over(history.userAgents, entry.uaFamily, limits.maxUserAgents);
}

/** Run a pipeline; the first command error rejects, so callers and metrics see one failure. */
async function execPipeline(pipe: ChainableCommander): Promise<unknown[]> {
  const results = (await pipe.exec()) ?? [];
  return results.map(([err, value]) => {
    if (err) throw err;
    return value;
  });
}

/** `lat|lon|acc|at|country|city`; `|` is stripped from names so the format cannot break. */
export function encodeLocation(l: LastLocation): string {
  const clean = (s: string | null) => (s ?? '').replaceAll('|', ' ');
  return [
    l.lat.toFixed(4),
    l.lon.toFixed(4),
    l.accuracyKm ?? '',
    Math.floor(l.atMs / SEC),
    clean(l.country),
    clean(l.city),
  ].join('|');
}

export function decodeLocation(s: string | undefined): LastLocation | null {
  if (!s) return null;
  const [lat, lon, acc, at, country, city] = s.split('|');
  const latN = Number(lat);
  const lonN = Number(lon);
  if (!Number.isFinite(latN) || !Number.isFinite(lonN)) return null;
  return {
    lat: latN,
    lon: lonN,
    accuracyKm: acc ? Number(acc) : null,
    atMs: Number(at) * SEC,
    country: country || null,
    city: city || null,
  };
}

/**
 * Turn the user hash, as HGETALL's flat `[field, value, ...]` reply, into a snapshot. An empty
 * hash (never seen, or expired) is not `known`.
 */
export function parseUserHash(flat: readonly string[]): HistorySnapshot {
  const devices = new Map<string, number>();
  const userAgents = new Map<string, number>();
  let first: string | undefined;
  let last: string | undefined;
  let loc: string | undefined;
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const field = flat[i]!;
    const value = flat[i + 1]!;
    if (field.startsWith('d:')) devices.set(field.slice(2), Number(value) * SEC);
    else if (field.startsWith('a:')) userAgents.set(field.slice(2), Number(value) * SEC);
    else if (field === 'k') first = value;
    else if (field === 'l') last = value;
    else if (field === 'loc') loc = value;
  }
  return {
    known: first !== undefined,
    devices,
    userAgents,
    lastLocation: decodeLocation(loc),
    lastLoginMs: last ? Number(last) * SEC : null,
  };
}

/** READ_TRAFFIC's answer as counts. */
function trafficCounts(reply: unknown): TrafficCounts {
  const [failedLogins = 0, distinctAccounts = 0, accountFailures = 0] = reply as number[];
  return { failedLogins, distinctAccounts, accountFailures };
}
