import type { MfaDeps } from './mfa-deps.js';
import type { Assurance } from './assurance.js';
import type { MfaSession } from './session.js';

/** What a successful MFA step returns: the signed result and whether history learned the login. */
export type MfaResult = {
  result_token: string;
  token_type: 'JWT';
  expires_in: number;
  amr: string[];
  acr: string;
  assessment_id: string;
  committed: boolean;
};

/**
 * The login passed its MFA step: commit the assessment to history (device and location become
 * known) and sign the result token, saying what was proven (`amr`, `acr`: src/mfa/assurance.ts)
 * — once per mfa_token. The caller saves the session with `resultIssued` set.
 */
export async function finishLogin(deps: Omit<MfaDeps, 'config'>, session: MfaSession, proven: Assurance): Promise<MfaResult> {
  const { record } = session;
  const { amr, acr } = proven;
  const committed = await commitAssessment(deps, record.assessmentId, record.clientId);
  const signed = await deps.mfa.signer.sign({ sub: record.userId, aud: record.application, amr, acr, assessment_id: record.assessmentId }, deps.now());
  deps.metrics.mfaResults.inc({ application: record.application });
  return {
    result_token: signed.token,
    token_type: 'JWT',
    expires_in: signed.expiresIn,
    amr,
    acr,
    assessment_id: record.assessmentId,
    committed,
  };
}

/** Commit a challenged assessment once; a missing (expired) record or a Redis fault is reported, not thrown. */
async function commitAssessment(deps: Pick<MfaDeps, 'commitChallenged' | 'metrics' | 'logger'>, assessmentId: string, clientId: string): Promise<boolean> {
  try {
    const result = await deps.commitChallenged(assessmentId, clientId);
    if (result.outcome !== 'committed') return result.outcome === 'already_committed';
    deps.metrics.commits.inc({ via: 'mfa', result: 'ok' });
    return true;
  } catch (err) {
    deps.metrics.commits.inc({ via: 'mfa', result: 'error' });
    const cause = err instanceof Error && err.cause !== undefined ? err.cause : err;
    deps.logger.warn({ err: (cause as Error).message, assessment: assessmentId }, 'could not commit after MFA');
    return false;
  }
}
