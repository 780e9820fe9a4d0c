/** Whom and what the mfa_token of a challenged login is for. */
export interface ChallengeSubject {
  userId: string;
  clientId: string;
  application: string;
  assessmentId: string;
  email: string | null;
  /** The end-user IP of the assessment, for the MFA module's per-IP limits. */
  ip: string | null;
  /** The caller asked for step-up (multi-factor `acr_values`). */
  stepUp: boolean;
  enrollment: 'optional' | 'required';
  /** The login's device (keyed hash), which a passed challenge may remember; null without a `device_id` long enough to remember by. */
  deviceHash: string | null;
}

/**
 * What a challenged login needs of the MFA module, handed in by the composition root
 * (src/compose.ts): the risk feature never imports that module (docs/design.md, "Layout").
 */
export interface ChallengeIssuer {
  /** Whether code emails can be delivered: without, an unenrolled user cannot be verified, and the policy denies. */
  readonly canEmail: boolean;
  /** Store a new mfa_token for the login and return it (src/mfa/issue-token.ts). */
  issueToken(subject: ChallengeSubject): Promise<string>;
}
