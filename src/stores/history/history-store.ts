import type { HistoryEntry, HistorySnapshot } from '../../risk/history/snapshot.js';
import { luaScript } from '../../platform/redis/lua-script.js';
import type { RequestPorts } from '../../platform/redis/redis-port.js';
import { MFA_SUMMARY_FIELD, parseMfaSummary, rememberedField, type MfaKeys } from '../mfa/mfa-keys.js';
import { timed, type OpObserver } from '../timed.js';
import type { HistoryKeys } from './history-keys.js';
import { encodeFamiliarity, familiarityFields, NO_FAMILIARITY } from './familiarity-blob.js';
import { addsField, encodeLocation, FIXED_FIELDS, isLatest, learnedFamiliarity, mayNeedTrim, mergeFields, parseUserHash, type HistoryLimits } from './user-hash.js';

const COMMIT_LOGIN = luaScript(new URL('./commit-login-1.lua', import.meta.url));
const CLEAR_USER_PART = luaScript(new URL('./clear-user-part-1.lua', import.meta.url));

/** A browser a login may have had remembered: its device, for the application it logs in to. */
export interface RememberedBrowser {
  application: string;
  deviceHash: string;
}

/** What an assessment loads of one user. */
export interface UserLoad {
  history: HistorySnapshot;
  mfaFactors: string[];
  /** When a second factor was last proven with `remember_browser` on the browser asked about, epoch ms; null: never (or none asked about). */
  browserProvenAtMs: number | null;
}

/** The parts of a user's history an admin can clear separately. */
export type HistoryPart = 'devices' | 'location' | 'familiarity';

/** What a commit writes: the user and the login's entry. */
export interface LoginToCommit {
  userId: string;
  entry: HistoryEntry;
}

const SEC = 1000;

/**
 * Users' login history in Redis: one hash per user (fields in `commit-login-1.lua`), the
 * familiarity profile and places among its fields. An assessment's load and commit are plain
 * commands, one round trip each in the common case; the merges that must be atomic are Lua on
 * the one key.
 *
 * Loads go on the `reads` connection, writes on `writes` (docs/redis.md). `load` and
 * `commitAssessed` run under the assessment's deadline and take none of their own; the others
 * fail after `timeoutMs`.
 */
export class HistoryStore {
  private readonly reads;
  private readonly writes;

  constructor(
    redis: RequestPorts,
    private readonly keys: HistoryKeys,
    /** The MFA store's keys: the load reads the user's MFA summary beside the history. */
    private readonly mfaKeys: Pick<MfaKeys, 'user'>,
    private readonly limits: HistoryLimits,
    private readonly opts: { observe?: OpObserver; timeoutMs: number },
  ) {
    this.reads = redis.reads;
    this.writes = redis.writes;
  }

  /**
   * The user's history, active MFA factor types and, with `browser`, when a second factor was
   * last proven on it for its application with `remember_browser` (null: never): HGETALL of the
   * user hash and HMGET of the MFA summary and the browser's field, sent together on the reads
   * connection; the keys carry the user's hash tag, so in a Cluster they go to one node.
   */
  async load(userId: string, browser: RememberedBrowser | null): Promise<UserLoad> {
    const mfaFields = browser === null ? [MFA_SUMMARY_FIELD] : [MFA_SUMMARY_FIELD, rememberedField(browser.application, browser.deviceHash)];
    return this.timed('load', () =>
      Promise.all([this.reads.hgetall(this.keys.user(userId)), this.reads.hmget(this.mfaKeys.user(userId), mfaFields)]).then(
        ([flat, [summary = null, proven = null]]) => ({
          history: parseUserHash(flat),
          mfaFactors: parseMfaSummary(summary),
          browserProvenAtMs: proven === null ? null : Number(proven),
        }),
      ),
    );
  }

  /**
   * Commit a login just assessed, with the history its load saw. When the snapshot shows the
   * login is the user's latest and nothing is due for trimming — nearly always — the merge is
   * a plain HSET with EXPIRE; otherwise COMMIT_LOGIN merges, trims and caps. Either way the
   * familiarity's fields, computed here from the snapshot, go in the same write.
   *
   * A commit that adds a device or user-agent field the snapshot did not show also asks HLEN,
   * to bound the hash whatever the snapshot said: commits racing on stale snapshots can push it
   * past the caps. One whose device and user agent the snapshot already held (a returning
   * device, most logins) sends none. It grows the hash only if a trim or an admin clear took
   * its fields in between, by one field at most, and the next load sees that and trims.
   */
  async commitAssessed(login: LoginToCommit, seen: HistorySnapshot): Promise<void> {
    await this.timed('commit', async () => {
      const key = this.keys.user(login.userId);
      const familiarity = this.learnedFields(seen, login.entry);
      const trim = mayNeedTrim(seen, login.entry, this.limits);
      if (trim || !isLatest(seen, login.entry)) {
        await this.commitScript(key, login.entry, trim, familiarity);
        return;
      }
      const merged = [this.writes.hset(key, mergeFields(seen, login.entry, familiarity)), this.writes.expire(key, this.limits.historyRetentionDays * 86_400)];
      if (!addsField(seen, login.entry)) {
        await Promise.all(merged);
        return;
      }
      const [fields] = await Promise.all([this.writes.hlen(key), ...merged]);
      // Concurrent commits on stale snapshots can add more than the caps allow: trim then.
      if (fields > FIXED_FIELDS + familiarity.length / 2 + this.limits.maxDevices + this.limits.maxUserAgents) {
        await this.commitScript(key, login.entry, true, familiarity);
      }
    });
  }

  /**
   * Commit a login with nothing loaded before it (`/complete`, the MFA step): atomic merge, trim
   * and cap. The familiarity is read first and computed here: a commit of the same user in
   * between would lose its counts to this one (docs/risk-model.md §7).
   */
  async commit(login: LoginToCommit): Promise<void> {
    await this.timed(
      'commit',
      async () => {
        const known = parseUserHash(await this.reads.hgetall(this.keys.user(login.userId)));
        const familiarity = this.learnedFields(known, login.entry);
        await this.commitScript(this.keys.user(login.userId), login.entry, true, familiarity);
      },
      this.opts.timeoutMs,
    );
  }

  /**
   * Forget one part of a user's history; returns how many entries went. `familiarity` empties
   * the profile and keeps the places; `location` deletes the last location and the places and
   * keeps the profile.
   */
  async clearHistory(userId: string, part: HistoryPart): Promise<number> {
    return this.timed(
      'admin',
      async () => {
        const key = this.keys.user(userId);
        if (part === 'devices') return (await this.writes.runScript(CLEAR_USER_PART, [key], [part])) as number;
        const known = parseUserHash(await this.reads.hgetall(key));
        const kept = part === 'familiarity' ? { profile: NO_FAMILIARITY.profile, places: known.places } : { profile: known.profile, places: [] };
        const cleared = part === 'familiarity' ? Number(known.profile.logins > 0) : known.places.length;
        const loc = (await this.writes.runScript(CLEAR_USER_PART, [key], [part, ...familiarityFields(encodeFamiliarity(kept))])) as number;
        return loc + cleared;
      },
      this.opts.timeoutMs,
    );
  }

  /**
   * Erase everything stored about a user's logins: the history hash, and the familiarity string
   * an earlier version kept beside it (`legacyFamiliarity`, until it expires). Returns whether
   * there was anything.
   */
  async eraseUser(userId: string): Promise<boolean> {
    const [history, legacy] = await this.timed(
      'admin',
      () => Promise.all([this.writes.del(this.keys.user(userId)), this.writes.del(this.keys.legacyFamiliarity(userId))]),
      this.opts.timeoutMs,
    );
    return history + legacy > 0;
  }

  /** The familiarity's hash fields once `entry` is learned into what `known` held. */
  private learnedFields(known: HistorySnapshot, entry: HistoryEntry): string[] {
    return familiarityFields(encodeFamiliarity(learnedFamiliarity(known, entry, this.limits.familiarity)));
  }

  private commitScript(key: string, e: HistoryEntry, trim: boolean, familiarity: readonly string[]): Promise<unknown> {
    const loc = e.location;
    return this.writes.runScript(
      COMMIT_LOGIN,
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
        ...familiarity,
      ],
    );
  }

  private timed<T>(op: string, fn: () => Promise<T>, deadlineMs?: number): Promise<T> {
    return timed(this.opts.observe ?? noop, op, fn, deadlineMs);
  }
}

const noop: OpObserver = () => {};
