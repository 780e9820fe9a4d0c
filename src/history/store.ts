import type { Redis } from 'ioredis';
import type { HistoryEntry, HistorySnapshot, LastLocation } from './snapshot.js';
import type { Keys } from './keys.js';
import { timed, type OpObserver } from './timed.js';
import {
  CLAIM_ASSESSMENT,
  CLEAR_USER_PART,
  COMMIT_LOGIN,
  LOAD_USER,
  RECORD_IP_FAILURE,
  SAVE_ASSESSMENT,
  UNCLAIM_ASSESSMENT,
} from './scripts.js';

/** An assessment kept for 10 minutes so `/complete` or the MFA step can commit it later. */
export interface AssessmentRecord {
  id: string;
  userId: string;
  application: string;
  clientId: string;
  action: 'allow' | 'challenge' | 'deny';
  entry: HistoryEntry;
  createdAtMs: number;
}

export type ClaimResult = { ok: true; record: AssessmentRecord } | { ok: false; reason: 'missing' | 'already_committed' };

export interface HistoryLimits {
  deviceTrustDays: number;
  historyRetentionDays: number;
  maxDevices: number;
  maxUserAgents: number;
  failureWindowHours: number;
}

/** Assessment records live this long (DESIGN §4: kept 10 minutes for the MFA step). */
export const ASSESSMENT_TTL_SEC = 600;

interface Scripts {
  vigilCommit(key: string, ...args: (string | number)[]): Promise<number>;
  vigilLoadUser(userKey: string, mfaKey: string): Promise<[string[], string | null]>;
  vigilSave(key: string, ttlSec: number, clientId: string, data: string, committed: '1' | ''): Promise<number>;
  vigilIpFailure(key: string, hour: number, window: number): Promise<number>;
  vigilClaim(key: string, clientId: string): Promise<string | number>;
  vigilUnclaim(key: string): Promise<number>;
  vigilClearPart(key: string, part: HistoryPart): Promise<number>;
}

/** The parts of a user's history an admin can clear separately. */
export type HistoryPart = 'devices' | 'location';

const SEC = 1000;
const HOUR_MS = 3_600_000;

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
    redis.defineCommand('vigilLoadUser', { numberOfKeys: 2, lua: LOAD_USER, readOnly: true });
    redis.defineCommand('vigilSave', { numberOfKeys: 1, lua: SAVE_ASSESSMENT });
    redis.defineCommand('vigilIpFailure', { numberOfKeys: 1, lua: RECORD_IP_FAILURE });
    redis.defineCommand('vigilClaim', { numberOfKeys: 1, lua: CLAIM_ASSESSMENT });
    redis.defineCommand('vigilUnclaim', { numberOfKeys: 1, lua: UNCLAIM_ASSESSMENT });
    redis.defineCommand('vigilClearPart', { numberOfKeys: 1, lua: CLEAR_USER_PART });
    this.redis = redis as Redis & Scripts;
  }

  /**
   * The user's history, active MFA factor types and the IP's failed logins in the window, in
   * one round trip.
   *
   * Plain commands, not an explicit pipeline: issued in the same tick, ioredis auto-pipelining
   * sends them in one write together with the commands of every other request handled in this
   * turn of the event loop, and holds later ones while a batch is in flight. An explicit
   * `pipeline()` bypasses that and costs a write (a syscall, and a read on the Redis side) per
   * request and phase.
   */
  async load(
    userId: string,
    ip: string | null,
    atMs: number,
  ): Promise<{ history: HistorySnapshot; mfaFactors: string[]; ipFailures: number | null }> {
    const [[userHash, mfaSummary], ipHash] = await this.timed('load', () =>
      Promise.all([
        this.redis.vigilLoadUser(this.keys.user(userId), this.keys.mfa(userId)),
        ip ? this.redis.hgetall(this.keys.ipFailures(ip)) : null,
      ]),
    );
    return {
      history: parseUserHash(userHash),
      mfaFactors: typeof mfaSummary === 'string' && mfaSummary ? mfaSummary.split(',') : [],
      ipFailures: ip ? sumBuckets(ipHash ?? {}, atMs, this.limits.failureWindowHours) : null,
    };
  }

  /**
   * Save an assessment record, and commit its login to history when `commit` is set: one round
   * trip (auto-pipelined, see {@link load}) of one script per key, the record's and the user's.
   */
  async saveAssessment(record: AssessmentRecord, commit: boolean): Promise<void> {
    const key = this.keys.assessment(record.id);
    // A record committed at once is kept without its JSON (see SAVE_ASSESSMENT).
    const data = commit ? '' : JSON.stringify(record);
    const writes: Promise<unknown>[] = [this.redis.vigilSave(key, ASSESSMENT_TTL_SEC, record.clientId, data, commit ? '1' : '')];
    if (commit) writes.push(this.redis.vigilCommit(this.keys.user(record.userId), ...this.commitArgs(record.entry)));
    await this.timed('save', () => Promise.all(writes));
  }

  /** Commit one login to a user's history (atomic merge, trim and cap). */
  async commit(userId: string, entry: HistoryEntry): Promise<void> {
    await this.timed('commit', () => this.redis.vigilCommit(this.keys.user(userId), ...this.commitArgs(entry)));
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

  /** Count a failed login from an IP; returns failures in the window. */
  async recordIpFailure(ip: string, atMs: number): Promise<number> {
    const hour = Math.floor(atMs / HOUR_MS);
    return this.timed('event', () => this.redis.vigilIpFailure(this.keys.ipFailures(ip), hour, this.limits.failureWindowHours));
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

  private commitArgs(e: HistoryEntry): (string | number)[] {
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
    ];
  }

  private timed<T>(op: string, fn: () => Promise<T>): Promise<T> {
    return timed(this.observe, op, fn);
  }

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

function sumBuckets(h: Record<string, string> | undefined, atMs: number, windowHours: number): number {
  if (!h) return 0;
  const hour = Math.floor(atMs / HOUR_MS);
  let total = 0;
  for (const [bucket, count] of Object.entries(h)) {
    if (Number(bucket) > hour - windowHours) total += Number(count);
  }
  return total;
}
