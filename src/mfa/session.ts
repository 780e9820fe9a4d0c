import type { MfaDeps } from './mfa-deps.js';
import { VigilError } from '../errors.js';
import type { Caller } from '../caller.js';
import { hashCode, sha256 } from './crypto/codes.js';
import type { MfaTokenRecord } from '../stores/mfa/mfa-store.js';
import type { FactorEnv } from './types.js';

/** An open MFA session: the token's record as read, and where to write it back. */
export interface MfaSession {
  tokenHash: string;
  record: MfaTokenRecord;
}

/** One answer for unknown, expired, foreign or malformed tokens: nothing to probe. */
const INVALID = 'mfa_token is invalid or expired';

/**
 * Open the session of an mfa_token for this API client. Tokens of other clients are as
 * unknown as tokens that never existed.
 */
export async function openSession(deps: Pick<MfaDeps, 'mfa' | 'now'>, caller: Caller, mfaToken: string): Promise<MfaSession> {
  const tokenHash = sha256(mfaToken);
  let record: MfaTokenRecord | null;
  try {
    record = await deps.mfa.store.token(tokenHash);
  } catch (err) {
    throw new VigilError('store_unavailable', 'could not reach the MFA store; retry', { cause: err });
  }
  if (!record || record.clientId !== caller.client.id || record.expiresAtMs <= deps.now()) {
    throw new VigilError('invalid_grant', INVALID);
  }
  return { tokenHash, record };
}

/**
 * Refuse a step that proves something (a challenge, an email code, a verification) once the
 * token's result was issued: the login it stood for is over. What the login offers right after
 * its result, enrolling a factor or replacing recovery codes, does not call this
 * (docs/security.md, item 3).
 */
export function refuseAfterResult(record: MfaTokenRecord): void {
  if (record.resultIssued) throw new VigilError('invalid_grant', 'this mfa_token was already used for a result');
}

/**
 * Write a session back if nobody else changed it meanwhile. A lost race is an invalid grant:
 * the other request used the same code or challenge first.
 */
export async function saveSession(deps: Pick<MfaDeps, 'mfa' | 'now'>, session: MfaSession, next: MfaTokenRecord): Promise<MfaSession> {
  const ok = await deps.mfa.store.saveToken(session.tokenHash, next, session.record.version, deps.now());
  if (!ok) throw new VigilError('invalid_grant', 'this mfa_token was used by a parallel request; start again');
  return { tokenHash: session.tokenHash, record: { ...next, version: session.record.version + 1 } };
}

/** The surroundings a factor may use, for this session's user. */
export function factorEnv(deps: Pick<MfaDeps, 'mfa' | 'now' | 'config'>, record: MfaTokenRecord): FactorEnv {
  const { box, codeSecret } = deps.mfa;
  const aad = `user:${record.userId}`;
  return {
    nowMs: deps.now(),
    userId: record.userId,
    email: record.email,
    seal: (plaintext) => box.seal(plaintext, aad),
    open: (sealed) => box.open(sealed, aad),
    hash: (code, purpose) => hashCode(codeSecret, `${record.userId}\u0000${purpose}`, code),
    issuer: deps.config.mfa.issuer,
    webauthn: deps.config.mfa.webauthn,
  };
}
