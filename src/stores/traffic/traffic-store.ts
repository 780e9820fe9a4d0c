import type { TrafficConfig } from '../../config.js';
import { accountHash } from '../../risk/context/account-hash.js';
import type { TrafficCounts } from '../../intel/lists/types.js';
import { luaScript } from '../../platform/redis/lua-script.js';
import type { RequestPorts } from '../../platform/redis/redis-port.js';
import { timed, type OpObserver } from '../timed.js';
import type { TrafficKeys } from './traffic-keys.js';
import { MAX_ACCOUNTS_PER_IP, accountBuckets, hourOf } from './traffic-windows.js';

const RECORD_FAILURE = luaScript(new URL('./record-failure-8.lua', import.meta.url));
const READ_TRAFFIC = luaScript(new URL('./read-traffic-8.lua', import.meta.url));

/** The traffic store's settings: thresholds and windows, and the key of account hashes. */
export interface TrafficLimits {
  traffic: TrafficConfig;
  /** Secret of the keyed hash that stands for an account in per-IP counters (`accountHash`), so they hold no user id. */
  accountSecret: string;
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

const SEC = 1000;

const NO_TRAFFIC: Readonly<TrafficCounts> = { failedLogins: 0, distinctAccounts: 0, accountFailures: 0 };

/**
 * Failed-login counters per IP and per account+IP (docs/ip-intelligence.md, "Traffic reputation"), and the set
 * of IPs flagged by them. An IP's counters share its hash tag, so the Lua that updates and
 * reads them runs in one Cluster slot. `read` runs under the assessment's deadline and takes
 * none of its own; the rest fail after `timeoutMs`.
 */
export class TrafficStore {
  private readonly reads;
  private readonly writes;

  constructor(
    redis: RequestPorts,
    private readonly keys: TrafficKeys,
    private readonly limits: TrafficLimits,
    private readonly opts: { observe?: OpObserver; timeoutMs: number },
  ) {
    this.reads = redis.reads;
    this.writes = redis.writes;
  }

  /**
   * The IP's counters at `atMs`, with `userId`'s failures from it. Most addresses have none: an
   * EXISTS of the failures hash (which outlives the IP's other counters: record-failure-8.lua)
   * answers for them on the reads connection, since READ_TRAFFIC's PFCOUNT merges 16 KB of
   * registers even over nothing. Only an IP with counters costs a second round trip, on the
   * writes connection: PFCOUNT counts as a write to Redis, which holds it during a write pause,
   * and it must not hold up the loads behind it.
   */
  async read(ip: string, userId: string | null, atMs: number): Promise<TrafficCounts> {
    return this.timed('traffic', async () => ((await this.reads.exists(this.keys.ipFailures(ip))) === 0 ? NO_TRAFFIC : this.readCounters(ip, userId, atMs)));
  }

  /**
   * Count a failed login from `ip`, for `account` when named. When the IP crosses an IP-wide
   * threshold, it is entered in the flagged set until the flag lapses by itself (a second
   * round trip, only then).
   */
  async recordFailure(ip: string, account: string | null, atMs: number): Promise<FailureRecorded> {
    const t = this.limits.traffic;
    const { keys, buckets, bucketSec } = this.trafficKeys(ip, atMs);
    const args = [hourOf(atMs), t.windowHours, account === null ? '' : this.account(account), MAX_ACCOUNTS_PER_IP, t.failedLoginsThreshold, t.distinctAccountsThreshold, buckets[0]!, bucketSec];
    const [failedLogins, failuresUntil, accountFailures, distinctAccounts, distinctUntil] = (await this.timed(
      'event',
      () => this.writes.runScript(RECORD_FAILURE, keys, args),
      this.opts.timeoutMs,
    )) as [number, number, number, number, number];
    const untilSec = Math.max(failuresUntil, distinctUntil);
    const flaggedUntilMs = untilSec > 0 ? untilSec * SEC : null;
    if (flaggedUntilMs !== null) await this.timed('event', () => this.writes.zadd(this.keys.flagged, flaggedUntilMs, ip, { GT: true }), this.opts.timeoutMs);
    return { counts: { failedLogins, distinctAccounts, accountFailures }, flaggedUntilMs };
  }

  /**
   * A committed login ends brute-force suspicion for its account from its IP (as Auth0's
   * protection does on success); the IP's own counters stay, so success on one account cannot
   * whitewash an IP attacking others.
   */
  async clearAccountFailures(ip: string, userId: string): Promise<void> {
    await this.timed('commit', () => this.writes.hdel(this.keys.ipAccountFailures(ip), [this.account(userId)]), this.opts.timeoutMs);
  }

  /** An IP's traffic counters at `atMs`, for the admin lookup. */
  async ipTraffic(ip: string, atMs: number): Promise<IpTraffic> {
    const [traffic, accounts, until] = await this.timed(
      'admin',
      () => Promise.all([this.readCounters(ip, null, atMs), this.reads.hlen(this.keys.ipAccountFailures(ip)), this.reads.zscore(this.keys.flagged, ip)]),
      this.opts.timeoutMs,
    );
    const untilMs = until === null ? null : Number(until);
    return {
      failedLogins: traffic.failedLogins,
      distinctAccounts: traffic.distinctAccounts,
      accountsWithFailures: accounts,
      flaggedUntilMs: untilMs !== null && untilMs > atMs ? untilMs : null,
    };
  }

  /** IPs whose traffic flag has not lapsed at `nowMs`; lapsed ones are dropped from the set (both on one connection, in order). */
  async countFlagged(nowMs: number): Promise<number> {
    const [, count] = await this.timed(
      'intel',
      () => Promise.all([this.writes.zremrangebyscore(this.keys.flagged, '-inf', nowMs), this.writes.zcard(this.keys.flagged)]),
      this.opts.timeoutMs,
    );
    return count;
  }

  /** The keys of an IP's traffic counters in the window ending at `atMs`, as the scripts take them. */
  private trafficKeys(ip: string, atMs: number): { keys: string[]; buckets: number[]; bucketSec: number } {
    const { buckets, bucketSec } = accountBuckets(atMs, this.limits.traffic);
    const keys = [this.keys.ipFailures(ip), this.keys.ipAccountFailures(ip)];
    for (const b of buckets) keys.push(this.keys.ipAccounts(ip, b));
    return { keys, buckets, bucketSec };
  }

  private async readCounters(ip: string, userId: string | null, atMs: number): Promise<TrafficCounts> {
    const { keys } = this.trafficKeys(ip, atMs);
    const reply = await this.writes.runScript(READ_TRAFFIC, keys, [hourOf(atMs), this.limits.traffic.windowHours, userId === null ? '' : this.account(userId)]);
    const [failedLogins = 0, distinctAccounts = 0, accountFailures = 0] = reply as number[];
    return { failedLogins, distinctAccounts, accountFailures };
  }

  private account(userId: string): string {
    return accountHash(this.limits.accountSecret, userId);
  }

  private timed<T>(op: string, fn: () => Promise<T>, deadlineMs?: number): Promise<T> {
    return timed(this.opts.observe ?? noop, op, fn, deadlineMs);
  }
}

const noop: OpObserver = () => {};
