import type { AttackKind, SimLogin } from '../sim-login.js';

/** The account an attempt names: a real user, or an address with no account behind it. */
export interface Target {
  userId: string;
  email: string;
}

/** An attacker's login attempt as a log row (no ground truth). */
export function attackLogin(
  kind: AttackKind,
  target: Target,
  timeMs: number,
  ip: string,
  userAgent: string,
  deviceId: string,
  outcome: SimLogin['outcome'] = 'success',
): SimLogin {
  return {
    userId: target.userId,
    timeMs: Math.round(timeMs),
    ip,
    userAgent,
    deviceId,
    email: target.email,
    label: `attack:${kind}`,
    outcome,
    truth: null,
  };
}

/**
 * An account that does not exist, as stuffing lists and username guesses hold them. The login
 * service has no user id for it and reports the name tried, so `user_id` is the email.
 */
export function missingAccount(tag: string): Target {
  const email = `${tag}@example.net`;
  return { userId: email, email };
}
