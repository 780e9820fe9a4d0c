import { VigilError } from '../../errors.js';
import type { FactorState, FactorType, Pending } from '../../mfa/types.js';
import { luaScript } from '../../platform/redis/lua-script.js';
import type { RequestPorts } from '../../platform/redis/redis-port.js';
import { timed, type OpObserver } from '../timed.js';
import { REMEMBERED_PREFIX, rememberedField, type MfaKeys } from './mfa-keys.js';

const CAS_RECORD = luaScript(new URL('./cas-record-1.lua', import.meta.url));
const TOKEN_BUCKET = luaScript(new URL('./token-bucket-1.lua', import.meta.url));
const REMEMBER_BROWSER = luaScript(new URL('./remember-browser-1.lua', import.meta.url));

/** The most browsers remembered per user: past it, those whose remembering ends first are forgotten. */
export const MAX_REMEMBERED_BROWSERS = 10;

/** One enrolled (or enrolling) authenticator of a user. */
export interface AuthenticatorRecord {
  id: string;
  type: FactorType;
  /** False until the first correct proof (TOTP: a first code; WebAuthn: attestation). */
  active: boolean;
  name: string | null;
  createdAtMs: number;
  state: FactorState;
  version: number;
}

/** What an mfa_token stands for, stored under the token's hash for its 10-minute life. */
export interface MfaTokenRecord {
  version: number;
  userId: string;
  clientId: string;
  application: string;
  assessmentId: string;
  email: string | null;
  /** The end-user IP of the assessment, for per-IP limits. */
  ip: string | null;
  /** The caller asked for step-up (multi-factor `acr_values`). */
  stepUp: boolean;
  enrollment: 'optional' | 'required';
  /**
   * The login's device (keyed hash), remembered on a `remember_browser` request; null without a
   * `device_id` long enough to remember by. Absent from tokens an earlier version issued: read as
   * null.
   */
  deviceHash?: string | null;
  createdAtMs: number;
  expiresAtMs: number;
  /** The email verification step was passed with this token. */
  emailVerified: boolean;
  /** The code sent for email verification, hashed. */
  emailCode: Pending | null;
  /** A challenge or enrollment in progress. */
  pending: { authenticatorId: string; purpose: 'enroll' | 'challenge'; pending: Pending } | null;
  /** A second factor (not just the email step) was proven with this token. */
  factorVerified: boolean;
  /** The result token was issued (once per mfa_token). */
  resultIssued: boolean;
}

export interface BucketResult {
  allowed: boolean;
  retryAfterMs: number;
  remaining: number;
}

/**
 * Authenticators, mfa_tokens and rate-limit buckets in Redis. Reads go on the reads
 * connection, scripts (every write: compare-and-set and token buckets) on the writes one.
 * Every call fails after `timeoutMs` with a retryable `store_unavailable`.
 */
export class MfaStore {
  private readonly reads;
  private readonly writes;

  constructor(
    redis: RequestPorts,
    private readonly keys: MfaKeys,
    private readonly opts: { observe?: OpObserver; timeoutMs: number },
  ) {
    this.reads = redis.reads;
    this.writes = redis.writes;
  }

  async authenticators(userId: string): Promise<AuthenticatorRecord[]> {
    const flat = await this.timed('mfa_load', () => this.reads.hgetall(this.keys.user(userId)));
    const records: AuthenticatorRecord[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      if (flat[i]!.startsWith('a:')) records.push(JSON.parse(flat[i + 1]!) as AuthenticatorRecord);
    }
    return records.sort((a, b) => a.createdAtMs - b.createdAtMs);
  }

  /**
   * Write an authenticator if nobody changed it since `expectedVersion` was read (-1: new).
   * Returns false when the version did not match: the caller lost a race and must not succeed.
   */
  async saveAuthenticator(userId: string, record: AuthenticatorRecord, expectedVersion: number): Promise<boolean> {
    // The fields the script reads lead the JSON (cas-record-1.lua): it never decodes the rest.
    const { version: _, type, active, ...rest } = record;
    const json = JSON.stringify({ version: expectedVersion + 1, type, active, ...rest });
    const ok = await this.timed('mfa_save', () => this.cas(this.keys.user(userId), `a:${record.id}`, expectedVersion, json, 0, '1'));
    return ok === 1;
  }

  async deleteAuthenticator(userId: string, record: AuthenticatorRecord): Promise<boolean> {
    const ok = await this.timed('mfa_save', () => this.cas(this.keys.user(userId), `a:${record.id}`, record.version, '', 0, '1'));
    return ok === 1;
  }

  /**
   * Remember that authenticator `authenticatorId` was proven at `provenAtMs` on the browser of
   * `deviceHash`, for `application`, dropping the user's remembered browsers proven before
   * `oldestMs` (remembered by no application any more) and, past {@link MAX_REMEMBERED_BROWSERS},
   * the earliest proven. Returns false, remembering nothing, when that authenticator is no longer
   * active: removed (lost, stolen) or reset since the proof.
   */
  async rememberBrowser(userId: string, browser: { application: string; deviceHash: string; authenticatorId: string }, provenAtMs: number, oldestMs: number): Promise<boolean> {
    const field = rememberedField(browser.application, browser.deviceHash);
    const args = ['remember', REMEMBERED_PREFIX, field, provenAtMs, oldestMs, MAX_REMEMBERED_BROWSERS, `a:${browser.authenticatorId}`];
    return (await this.timed('mfa_save', () => this.writes.runScript(REMEMBER_BROWSER, [this.keys.user(userId)], args))) === 1;
  }

  /** Forget every remembered browser of a user; returns how many there were. */
  async forgetBrowsers(userId: string): Promise<number> {
    return (await this.timed('mfa_save', () => this.writes.runScript(REMEMBER_BROWSER, [this.keys.user(userId)], ['forget', REMEMBERED_PREFIX]))) as number;
  }

  /** Remove every authenticator and remembered browser of a user. */
  async resetUser(userId: string): Promise<boolean> {
    return (await this.timed('mfa_save', () => this.writes.del(this.keys.user(userId)))) > 0;
  }

  async token(tokenHash: string): Promise<MfaTokenRecord | null> {
    const json = await this.timed('mfa_token', () => this.reads.hget(this.keys.token(tokenHash), 'r'));
    return json ? (JSON.parse(json) as MfaTokenRecord) : null;
  }

  /**
   * Create (`expectedVersion` -1) or update a token record, with the key living until its expiry.
   * A new token is also entered in its user's index, so {@link endTokens} can find it; the two
   * keys sit in different hash slots, and a token whose entry failed is never handed out (the
   * call throws).
   */
  async saveToken(tokenHash: string, record: MfaTokenRecord, expectedVersion: number, nowMs: number): Promise<boolean> {
    const ttl = Math.max(1, Math.ceil((record.expiresAtMs - nowMs) / 1000));
    // The version leads the JSON: the script reads it without decoding the record.
    const { version: _, ...rest } = record;
    const json = JSON.stringify({ version: expectedVersion + 1, ...rest });
    const [ok] = await Promise.all([
      this.timed('mfa_token', () => this.cas(this.keys.token(tokenHash), 'r', expectedVersion, json, ttl, '0')),
      expectedVersion === -1 ? this.indexToken(record.userId, tokenHash, record.expiresAtMs, nowMs) : null,
    ]);
    return ok === 1;
  }

  /**
   * Enter a token in its user's index, dropping entries that expired. The index outlives its
   * newest token by a minute, a margin for instances whose clocks differ. Three commands on one
   * key, in order on one connection.
   */
  private async indexToken(userId: string, tokenHash: string, expiresAtMs: number, nowMs: number): Promise<void> {
    const key = this.keys.tokenIndex(userId);
    await this.timed('mfa_token', () =>
      Promise.all([
        this.writes.zadd(key, expiresAtMs, tokenHash),
        this.writes.zremrangebyscore(key, '-inf', nowMs),
        this.writes.expire(key, Math.ceil((expiresAtMs - nowMs + 60_000) / 1000)),
      ]),
    );
  }

  /**
   * End every live mfa_token of a user (an admin reset or delete): the token records go, then
   * the index. Tokens live in their own hash slots, so each is deleted by its own command.
   */
  async endTokens(userId: string): Promise<number> {
    const key = this.keys.tokenIndex(userId);
    const hashes = await this.timed('mfa_token', () => this.writes.zrange(key, 0, -1));
    const ended = await Promise.all(hashes.map((h) => this.timed('mfa_token', () => this.writes.del(this.keys.token(h)))));
    await this.timed('mfa_token', () => this.writes.del(key));
    return ended.reduce((n, x) => n + x, 0);
  }

  /** Take `cost` tokens from a bucket (negative refunds). Atomic: parallel calls cannot overdraw. */
  async bucket(key: { user: string } | { ip: string }, name: string, limit: { burst: number; refillSeconds: number }, nowMs: number, cost = 1): Promise<BucketResult> {
    const k = 'user' in key ? this.keys.userLimit(key.user, name) : this.keys.ipLimit(key.ip, name);
    const [allowed, retry, remaining] = (await this.timed('limit', () =>
      this.writes.runScript(TOKEN_BUCKET, [k], [nowMs, limit.burst, limit.refillSeconds * 1000, cost]),
    )) as [number, number, number];
    return { allowed: allowed === 1, retryAfterMs: retry, remaining };
  }

  private async cas(key: string, field: string, expected: number, json: string, ttl: number, summary: '0' | '1'): Promise<number> {
    return (await this.writes.runScript(CAS_RECORD, [key], [field, expected, json, ttl, summary])) as number;
  }

  /** One timed Redis call; any failure (timeout, lost connection, error reply) is a retryable store_unavailable. */
  private async timed<T>(op: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await timed(this.opts.observe ?? noop, op, fn, this.opts.timeoutMs);
    } catch (err) {
      throw new VigilError('store_unavailable', 'could not reach the MFA store; retry', { cause: err });
    }
  }
}

const noop: OpObserver = () => {};
