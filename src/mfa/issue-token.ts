import type { MfaDeps } from './mfa-deps.js';
import { ASSESSMENT_TTL_SEC } from '../stores/pending/pending-assessments.js';
import { randomToken, sha256 } from './crypto/codes.js';
import type { MfaTokenRecord } from '../stores/mfa/mfa-store.js';

/** Whom and what a new token is for. */
export type TokenSubject = Pick<
  MfaTokenRecord,
  'userId' | 'clientId' | 'application' | 'assessmentId' | 'email' | 'ip' | 'stepUp' | 'enrollment' | 'deviceHash'
>;

/**
 * A new mfa_token for a challenged login: random, stored only as its SHA-256, bound to user,
 * client, application and assessment, living as long as the assessment record (10 minutes).
 */
export async function issueMfaToken(deps: Pick<MfaDeps, 'mfa' | 'now'>, subject: TokenSubject): Promise<string> {
  const token = randomToken();
  const now = deps.now();
  const record: MfaTokenRecord = {
    ...subject,
    version: 0,
    createdAtMs: now,
    expiresAtMs: now + ASSESSMENT_TTL_SEC * 1000,
    emailVerified: false,
    emailCode: null,
    pending: null,
    factorVerified: false,
    resultIssued: false,
  };
  await deps.mfa.store.saveToken(sha256(token), record, -1, now);
  return token;
}
