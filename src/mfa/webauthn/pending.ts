import type { FactorEnv, Pending } from '../types.js';

/**
 * How long a registration or login challenge stays answerable: 5 minutes, like the emailed codes
 * (docs/api.md, MFA), and well inside the mfa_token's 10-minute life that carries it.
 */
export const CHALLENGE_TTL_MS = 5 * 60_000;

/** The per-ceremony state kept with the mfa_token: the challenge the browser must sign over. */
export function newPending(env: FactorEnv, challenge: string): Pending {
  return { data: { challenge }, expiresAtMs: env.nowMs + CHALLENGE_TTL_MS };
}

export type PendingChallenge =
  | { ok: true; challenge: string }
  | { ok: false; reason: 'no_pending_challenge' | 'expired' };

/**
 * The challenge a response must carry, or why there is none. The clock is `env.nowMs` only:
 * SimpleWebAuthn gets no time input, so expiry is decided here and nowhere else.
 */
export function readPendingChallenge(env: FactorEnv, pending: Pending | null): PendingChallenge {
  const challenge = pending?.data['challenge'];
  if (!pending || typeof challenge !== 'string' || challenge === '') {
    return { ok: false, reason: 'no_pending_challenge' };
  }
  // The deadline itself is already too late, so `expiresAtMs` is the first instant that fails.
  if (env.nowMs >= pending.expiresAtMs) return { ok: false, reason: 'expired' };
  return { ok: true, challenge };
}
