import type { Deps } from '../../deps.js';
import { commitLogin } from '../../service/commit-login.js';
import { STEP_UP_ACR } from '../../scoring/policy.js';
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
 * The login passed its second factor: commit the assessment to history (device and location
 * become known) and sign the result token — once per mfa_token. The caller saves the session
 * with `resultIssued` set.
 */
export async function finishLogin(deps: Deps, session: MfaSession, factorAmr: readonly string[]): Promise<MfaResult> {
  const { record } = session;
  const amr = ['mfa', ...new Set(factorAmr)];
  const committed = await commitAssessment(deps, record.assessmentId, record.clientId);
  const signed = await deps.mfa.signer.sign(
    { sub: record.userId, aud: record.application, amr, acr: STEP_UP_ACR, assessment_id: record.assessmentId },
    deps.now(),
  );
  deps.metrics.mfaResults.inc({ application: record.application });
  return {
    result_token: signed.token,
    token_type: 'JWT',
    expires_in: signed.expiresIn,
    amr,
    acr: STEP_UP_ACR,
    assessment_id: record.assessmentId,
    committed,
  };
}

/** Commit a challenged assessment once; a missing (expired) record or a Redis fault is reported, not thrown. */
async function commitAssessment(deps: Deps, assessmentId: string, clientId: string): Promise<boolean> {
  try {
    const claim = await deps.pending.claim(assessmentId, clientId);
    if (!claim.ok) return claim.reason === 'already_committed';
    try {
      await commitLogin(deps, claim.record);
    } catch (err) {
      await deps.pending.unclaim(assessmentId).catch(() => {});
      throw err;
    }
    deps.metrics.commits.inc({ via: 'mfa', result: 'ok' });
    return true;
  } catch (err) {
    deps.metrics.commits.inc({ via: 'mfa', result: 'error' });
    deps.logger.warn({ err: (err as Error).message, assessment: assessmentId }, 'could not commit after MFA');
    return false;
  }
}
