import type { Caller } from '../caller.js';
import { withDeadline } from '../platform/deadline.js';
import type { ChallengeIssuer, ChallengeSubject } from './challenge-issuer.js';

/**
 * The mfa_token of a challenged login, stored within what is left of the assessment's deadline
 * (at least 10 ms), or undefined when Redis refused it or was late: the challenge then cannot
 * proceed and the caller answers a deny (`challengeUnavailable`). Under a write pause the token
 * waited for its own Redis timeout after the deadline, and logins answered ~200 ms late with no
 * token (docs/operations.md, "10. Challenged logins overran the deadline").
 */
export async function issueChallengeToken(
  deps: { challenges: ChallengeIssuer; now(): number },
  caller: Caller,
  subject: ChallengeSubject,
  deadlineAt: number,
): Promise<string | undefined> {
  try {
    return await withDeadline(deps.challenges.issueToken(subject), Math.max(deadlineAt - deps.now(), 10));
  } catch (err) {
    caller.log.warn({ err: (err as Error).message, assessment: subject.assessmentId }, 'could not issue an mfa_token');
    return undefined;
  }
}
