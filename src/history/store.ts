import type { TrafficConfig } from '../config.js';
import { accountHash } from '../context/account-hash.js';
import type { TrafficCounts } from '../intel/types.js';
import type { HistoryEntry, HistorySnapshot, LastLocation } from './snapshot.js';
import type { Keys } from './keys.js';
import { RespScript, type RespArg, type RespConnection, type RespReply } from './resp-connection.js';
import { timed, type OpObserver } from './timed.js';
import {
  CLAIM_ASSESSMENT,
  CLEAR_USER_PART,
  COMMIT_LOGIN,
  READ_TRAFFIC,
  RECORD_FAILURE,
  SAVE_ASSESSMENT,
  UNCLAIM_ASSESSMENT,
} from './scripts.js';
import { MAX_ACCOUNTS_PER_IP, accountBuckets, hourOf } from './traffic.js';
import { decodeProfile, encodeProfile } from '../risk/familiarity/profile-codec.js';
import { decodePlaces, encodePlaces } from '../risk/familiarity/places.js';
import { EMPTY_PROFILE, type FamiliarityProfile } from '../risk/familiarity/profile.js';
import { learnLogin } from '../risk/familiarity/learn-login.js';
import type { ProfileLimits } from '../risk/familiarity/commit-login.js';
import type { PlaceLimits } from '../risk/familiarity/places.js';

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
  /** Bounds of the familiarity profile and familiar places (docs/risk-model.md §3). */
  familiarity: ProfileLimits & PlaceLimits;
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

/** Assessment records live this long: 10 minutes, for `/complete` and the MFA step (docs/api.md). */
export const ASSESSMENT_TTL_SEC = 600;

const SCRIPTS = {
  commit: new RespScript(COMMIT_LOGIN),
  failure: new RespScript(RECORD_FAILURE),
  readTraffic: new RespScript(READ_TRAFFIC),
  save: new RespScript(SAVE_ASSESSMENT),
  claim: new RespScript(CLAIM_ASSESSMENT),
  unclaim: new RespScript(UNCLAIM_ASSESSMENT),
  clearPart: new RespScript(CLEAR_USER_PART),
};

/** The parts of a user's history an admin can clear separately. */
export type HistoryPart = 'devices' | 'location';

const SEC = 1000;

/** Fields of the user hash besides devices and user agents: `k`, `l`, `loc`, `f`, `p`. */
const FIXED_FIELDS = 5;

const NO_TRAFFIC: Readonly<TrafficCounts> = { failedLogins: 0, distinctAccounts: 0, accountFailures: 0 };

/**
 * Users' login history, IP failure counters and pending assessments in Redis, over the history
 * store's own connection (`RespConnection`). An assessment's load and commit are plain
 * commands, one round trip each in the common case; multi-step updates are Lua scripts on one
 * key, so each is atomic and Cluster-safe.
 */
export class HistoryStore {
  constructor(
    private readonly redis: RespConnection,
    private readonly keys: Keys,
    private readonly limits: HistoryLimits,
    private readonly observe: OpObserver = () => {},
  ) {}

  /**
   * The user's history, active MFA factor types and the IP's traffic counters (this account's
   * failures from the IP among them) at `atMs`. `traffic` is null without an IP.
   *
   * One round trip of three plain commands: the user hash, the MFA summary, and whether the IP
   * has any counters at all (EXISTS of its failures hash). Most addresses have none; for one
   * that has, READ_TRAFFIC reads them in a second round trip. (The user's keys and the IP's sit
   * in different Cluster slots, so they cannot share a script.)
   */
  async load(
    userId: string,
    ip: string | null,
    atMs: number,
  ): Promise<{ history: HistorySnapshot; mfaFactors: string[]; traffic: TrafficCounts | null }> {
    return this.timed('load', async () => {
      const commands: RespArg[][] = [
        ['HGETALL', this.keys.user(userId)],
        ['HGET', this.keys.mfa(userId), 'summary'],
      ];
      if (ip) commands.push(['EXISTS', this.keys.ipFailures(ip)]);
      const [userHash, mfaSummary, counted] = await this.redis.batch(commands);
      return {
        history: parseUserHash(userHash as string[]),
        mfaFactors: typeof mfaSummary === 'string' && mfaSummary ? mfaSummary.split(',') : [],
        traffic: ip === null ? null : counted === 0 ? NO_TRAFFIC : await this.readCounters(ip, userId, atMs),
      };
    });
  }

  /**
   * Store an assessment that may be committed later (`/complete`, or the MFA step) for
   * {@link ASSESSMENT_TTL_SEC}. One committed at once is not stored: its id is its receipt
   * (src/service/assessment-id.ts).
   */
  async savePending(record: AssessmentRecord): Promise<void> {
    await this.timed('save', () =>
      this.redis.eval(SCRIPTS.save, [this.keys.assessment(record.id)], [ASSESSMENT_TTL_SEC, record.clientId, JSON.stringify(record)]),
    );
  }

  /**
   * Commit a login just assessed, with what its load saw. When the snapshot shows the login is
   * the user's latest and nothing is due for trimming — nearly always — the merge is a plain
   * HSET with EXPIRE; otherwise COMMIT_LOGIN merges, trims and caps. The account's failures
   * from the IP are cleared when the load saw some.
   *
   * A commit that adds a device or user-agent field the snapshot did not show also asks HLEN,
   * to bound the hash whatever the snapshot said: commits racing on stale snapshots can push it
   * past the caps. One whose device and user agent the snapshot already held (a returning
   * device, most logins) sends none. It grows the hash only if a trim or an admin clear took
   * its fields in between, by one field at most, and the next load sees that and trims.
   */
  async commitAssessed(record: Pick<AssessmentRecord, 'userId' | 'entry' | 'ip'>, seen: LoadedForCommit): Promise<void> {
    await this.timed('commit', async () => {
      const key = this.keys.user(record.userId);
      const clear = record.ip && seen.accountFailures > 0 ? this.clearAccountFailures(record.ip, record.userId) : null;
      const trim = mayNeedTrim(seen.history, record.entry, this.limits);
      if (trim || !isLatest(seen.history, record.entry)) {
        await Promise.all([this.commitScript(key, record.entry, trim, this.learned(seen.history, record.entry)), clear]);
        return;
      }
      const merge: RespArg[][] = [
        ['HSET', key, ...mergeFields(seen.history, record.entry), ...this.learned(seen.history, record.entry)],
        ['EXPIRE', key, this.limits.historyRetentionDays * 86_400],
      ];
      const grows = addsField(seen.history, record.entry);
      if (grows) merge.push(['HLEN', key]);
      const [[, , fields]] = await Promise.all([this.redis.batch(merge), clear]);
      // Concurrent commits on stale snapshots can add more than the caps allow: trim then.
      if (grows && (fields as number) > FIXED_FIELDS + this.limits.maxDevices + this.limits.maxUserAgents) await this.commitScript(key, record.entry, true, []);
    });
  }

  /**
   * Commit a login to its user's history (atomic merge, trim and cap), with nothing loaded
   * before it, and reset the account's failures from its IP: a success ends brute-force
   * suspicion for that account and address (as Auth0's protection does), and leaves the IP's
   * own counters alone, so it cannot whitewash an IP attacking other accounts.
   */
  async commit(record: Pick<AssessmentRecord, 'userId' | 'entry' | 'ip'>): Promise<void> {
    await this.timed('commit', async () => {
      const key = this.keys.user(record.userId);
      // Nothing was loaded for this commit: read what the profile and places are now. A commit
      // of the same user in between would lose its counts to this one (docs/risk-model.md §7).
      const [f, p] = (await this.redis.send(['HMGET', key, 'f', 'p'])) as [string | null, string | null];
      const known = { profile: parseProfile(f ?? undefined), places: decodePlaces(p ?? undefined) };
      await Promise.all([
        this.commitScript(key, record.entry, true, this.learned(known, record.entry)),
        record.ip ? this.clearAccountFailures(record.ip, record.userId) : null,
      ]);
    });
  }

  /** The `f` (profile) and `p` (places) fields after `entry`, over what `known` held. */
  private learned(known: Pick<HistorySnapshot, 'profile' | 'places'>, entry: HistoryEntry): string[] {
    const loc = entry.location;
    const next = learnLogin(known, { features: entry.features, place: loc, atMs: entry.atMs }, this.limits.familiarity);
    return ['f', encodeProfile(next.profile).toString('base64'), 'p', encodePlaces(next.places)];
  }

  /**
   * Take a pending assessment of `clientId` for commit; a second claim of the same id fails.
   * Another client's assessment is `missing`, whether or not it was claimed.
   */
  async claimAssessment(id: string, clientId: string): Promise<ClaimResult> {
    const res = await this.timed('claim', () => this.redis.eval(SCRIPTS.claim, [this.keys.assessment(id)], [clientId]));
    if (res === -1) return { ok: false, reason: 'missing' };
    if (res === 0) return { ok: false, reason: 'already_committed' };
    return { ok: true, record: JSON.parse(String(res)) as AssessmentRecord };
  }

  /** Release a claim after a failed commit so the caller may retry. */
  async unclaimAssessment(id: string): Promise<void> {
    await this.timed('unclaim', () => this.redis.eval(SCRIPTS.unclaim, [this.keys.assessment(id)], []));
  }

  /**
   * Count a failed login from `ip`, for `account` when named (docs/ip-intelligence.md, "Traffic
   * reputation"). When the IP crosses an IP-wide threshold, it is entered in the flagged set until
   * the flag lapses by itself (a second round trip, only then).
   */
  async recordFailure(ip: string, account: string | null, atMs: number): Promise<FailureRecorded> {
    const t = this.limits.traffic;
    const { keys, buckets, bucketSec } = this.trafficKeys(ip, atMs);
    const args = [hourOf(atMs), t.windowHours, account === null ? '' : this.account(account), MAX_ACCOUNTS_PER_IP, t.failedLoginsThreshold, t.distinctAccountsThreshold, buckets[0]!, bucketSec];
    const [failedLogins, failuresUntil, accountFailures, distinctAccounts, distinctUntil] = (await this.timed('event', () =>
      this.redis.eval(SCRIPTS.failure, keys, args),
    )) as [number, number, number, number, number];
    const untilSec = Math.max(failuresUntil, distinctUntil);
    const flaggedUntilMs = untilSec > 0 ? untilSec * SEC : null;
    if (flaggedUntilMs !== null) await this.timed('event', () => this.redis.send(['ZADD', this.keys.intelFlagged, 'GT', flaggedUntilMs, ip]));
    return { counts: { failedLogins, distinctAccounts, accountFailures }, flaggedUntilMs };
  }

  /** An IP's traffic counters at `atMs`, for the admin lookup. */
  async ipTraffic(ip: string, atMs: number): Promise<IpTraffic> {
    const [traffic, accounts, until] = await this.timed('admin', () =>
      Promise.all([this.readCounters(ip, null, atMs), this.redis.send(['HLEN', this.keys.ipAccountFailures(ip)]), this.redis.send(['ZSCORE', this.keys.intelFlagged, ip])]),
    );
    const untilMs = until === null ? null : Number(until);
    return {
      failedLogins: traffic.failedLogins,
      distinctAccounts: traffic.distinctAccounts,
      accountsWithFailures: accounts as number,
      flaggedUntilMs: untilMs !== null && untilMs > atMs ? untilMs : null,
    };
  }

  /** The keys of an IP's traffic counters in the window ending at `atMs`, as the scripts take them. */
  private trafficKeys(ip: string, atMs: number): { keys: string[]; buckets: number[]; bucketSec: number } {
    const { buckets, bucketSec } = accountBuckets(atMs, this.limits.traffic);
    const keys = [this.keys.ipFailures(ip), this.keys.ipAccountFailures(ip)];
    for (const b of buckets) keys.push(this.keys.ipAccounts(ip, b));
    return { keys, buckets, bucketSec };
  }

  /**
   * An IP's counters at `atMs`, and `userId`'s failures from it, by READ_TRAFFIC. The load asks
   * first whether the IP has any (EXISTS of its failures hash, which outlives its other
   * counters: RECORD_FAILURE), since the script's PFCOUNT merges 16 KB of registers even over
   * nothing.
   */
  private async readCounters(ip: string, userId: string | null, atMs: number): Promise<TrafficCounts> {
    const { keys } = this.trafficKeys(ip, atMs);
    const reply = await this.redis.eval(SCRIPTS.readTraffic, keys, [hourOf(atMs), this.limits.traffic.windowHours, userId === null ? '' : this.account(userId)]);
    const [failedLogins = 0, distinctAccounts = 0, accountFailures = 0] = reply as number[];
    return { failedLogins, distinctAccounts, accountFailures };
  }

  /** IPs whose traffic flag has not lapsed at `nowMs`; lapsed ones are dropped from the set. */
  async countFlagged(nowMs: number): Promise<number> {
    const [, count] = await this.timed('intel', () =>
      Promise.all([this.redis.send(['ZREMRANGEBYSCORE', this.keys.intelFlagged, '-inf', nowMs]), this.redis.send(['ZCARD', this.keys.intelFlagged])]),
    );
    return count as number;
  }

  /** Forget one part of a user's history; returns how many entries went. */
  async clearHistory(userId: string, part: HistoryPart): Promise<number> {
    return (await this.timed('admin', () => this.redis.eval(SCRIPTS.clearPart, [this.keys.user(userId)], [part]))) as number;
  }

  /** Erase everything stored about a user's logins. Returns whether there was anything. */
  async eraseUser(userId: string): Promise<boolean> {
    return ((await this.timed('admin', () => this.redis.send(['DEL', this.keys.user(userId)]))) as number) > 0;
  }

  async ping(): Promise<void> {
    await this.timed('ping', () => this.redis.send(['PING']));
  }

  private account(userId: string): string {
    return accountHash(this.limits.accountSecret, userId);
  }

  private clearAccountFailures(ip: string, userId: string): Promise<RespReply> {
    return this.redis.send(['HDEL', this.keys.ipAccountFailures(ip), this.account(userId)]);
  }

  private commitScript(key: string, e: HistoryEntry, trim: boolean, learned: string[]): Promise<RespReply> {
    const loc = e.location;
    return this.redis.eval(
      SCRIPTS.commit,
      [key],
      [
        Math.floor(e.atMs / SEC),
        this.limits.deviceTrustDays * 86_400,
        this.limits.maxDevices,
        this.limits.maxUserAgents,
        this.limits.historyRetentionDays * 86_400,
        e.deviceHash ?? '',
        e.uaFamily ?? '',
        loc ? encodeLocation(loc) : '',
        trim ? '1' : '',
        ...learned,
      ],
    );
  }

  private timed<T>(op: string, fn: () => Promise<T>): Promise<T> {
    return timed(this.observe, op, fn);
  }
}

/**
 * Whether `entry` is at least as late as everything the snapshot holds, so that writing its
 * fields as they are merges it as COMMIT_LOGIN would (which keeps the later of two times).
 * Logins arrive in time order except for back-fills with a client-set timestamp; those take
 * the script. Two commits racing for one user can still both pass on the same snapshot: the
 * later write wins, and the times they leave differ by the race, milliseconds.
 */
export function isLatest(history: HistorySnapshot, entry: HistoryEntry): boolean {
  const atMs = Math.floor(entry.atMs / SEC) * SEC;
  if (history.lastLoginMs !== null && atMs < history.lastLoginMs) return false;
  const device = entry.deviceHash === null ? undefined : history.devices.get(entry.deviceHash);
  const ua = entry.uaFamily === null ? undefined : history.userAgents.get(entry.uaFamily);
  return (device === undefined || atMs >= device) && (ua === undefined || atMs >= ua);
}

/** Whether merging `entry` adds a device or user-agent field that the snapshot did not hold. */
function addsField(history: HistorySnapshot, e: HistoryEntry): boolean {
  return (e.deviceHash !== null && !history.devices.has(e.deviceHash)) || (e.uaFamily !== null && !history.userAgents.has(e.uaFamily));
}

/** The HSET field/value pairs that merge `entry` into a hash the snapshot showed; see COMMIT_LOGIN for the fields. */
function mergeFields(history: HistorySnapshot, e: HistoryEntry): RespArg[] {
  const at = Math.floor(e.atMs / SEC);
  const fields: RespArg[] = history.known ? ['l', at] : ['k', at, 'l', at];
  if (e.location) fields.push('loc', encodeLocation(e.location));
  if (e.deviceHash !== null) fields.push(`d:${e.deviceHash}`, at);
  if (e.uaFamily !== null) fields.push(`a:${e.uaFamily}`, at);
  return fields;
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
  let profile: string | undefined;
  let places: string | undefined;
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const field = flat[i]!;
    const value = flat[i + 1]!;
    if (field.startsWith('d:')) devices.set(field.slice(2), Number(value) * SEC);
    else if (field.startsWith('a:')) userAgents.set(field.slice(2), Number(value) * SEC);
    else if (field === 'k') first = value;
    else if (field === 'l') last = value;
    else if (field === 'loc') loc = value;
    else if (field === 'f') profile = value;
    else if (field === 'p') places = value;
  }
  return {
    known: first !== undefined,
    devices,
    userAgents,
    lastLocation: decodeLocation(loc),
    lastLoginMs: last ? Number(last) * SEC : null,
    profile: parseProfile(profile),
    places: decodePlaces(places),
  };
}

/** The profile field (base64 of `encodeProfile`); a damaged one reads as empty: the user starts over, fail closed by cold start. */
export function parseProfile(field: string | undefined): FamiliarityProfile {
  if (!field) return EMPTY_PROFILE;
  try {
    return decodeProfile(Buffer.from(field, 'base64'));
  } catch {
    return EMPTY_PROFILE;
  }
}
