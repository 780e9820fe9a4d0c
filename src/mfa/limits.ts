import type { Config } from '../config.js';
import type { MfaDeps } from './mfa-deps.js';
import { VigilError } from '../errors.js';
import type { MfaTokenRecord } from '../stores/mfa/mfa-store.js';

type LimitName = keyof Config['mfa']['limits'];

/** A taken attempt; `refund()` gives it back (a success should not count against the user). */
export interface Attempt {
  refund(): Promise<void>;
}

/**
 * Take one attempt from the user's bucket `name` and the IP's bucket beside it, atomically in
 * Redis, before checking anything: parallel guesses cannot slip past a limit. Over a limit →
 * `too_many_attempts` with the retry time.
 */
export async function takeAttempt(
  deps: Pick<MfaDeps, 'mfa' | 'now' | 'config' | 'metrics'>,
  record: MfaTokenRecord,
  name: string,
  userLimit: LimitName,
  ipLimit: LimitName,
): Promise<Attempt> {
  const { store } = deps.mfa;
  const limits = deps.config.mfa.limits;
  const now = deps.now();
  const taken: (() => Promise<unknown>)[] = [];
  const refund = async () => {
    await Promise.all(taken.map((undo) => undo().catch(() => {})));
  };
  try {
    if (record.ip) {
      const ip = record.ip;
      const r = await store.bucket({ ip }, name, limits[ipLimit], now);
      if (!r.allowed) throw tooMany(deps, ipLimit, r.retryAfterMs);
      taken.push(() => store.bucket({ ip }, name, limits[ipLimit], deps.now(), -1));
    }
    const u = await store.bucket({ user: record.userId }, name, limits[userLimit], now);
    if (!u.allowed) {
      await refund();
      throw tooMany(deps, userLimit, u.retryAfterMs);
    }
    taken.push(() => store.bucket({ user: record.userId }, name, limits[userLimit], deps.now(), -1));
  } catch (err) {
    if (err instanceof VigilError) throw err;
    throw new VigilError('store_unavailable', 'could not reach the MFA store; retry', { cause: err });
  }
  return { refund };
}

/**
 * An attempt at proving an authenticator of `type` (verifying it, or confirming its enrollment):
 * WebAuthn's own user limit, the verify limit for the others, the IP's verify limit for all.
 */
export function takeVerifyAttempt(
  deps: Pick<MfaDeps, 'mfa' | 'now' | 'config' | 'metrics'>,
  record: MfaTokenRecord,
  type: string,
): Promise<Attempt> {
  return takeAttempt(deps, record, `verify:${type}`, type === 'webauthn' ? 'webauthnFailures' : 'verifyFailures', 'ipVerifyFailures');
}

function tooMany(deps: Pick<MfaDeps, 'metrics'>, limit: LimitName, retryAfterMs: number): VigilError {
  deps.metrics.mfaLimitHits.inc({ limit });
  const sec = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new VigilError('too_many_attempts', `too many attempts (${limit}); try again in ${sec} s`, { retryAfterSec: sec });
}
