import { STEP_UP_ACR } from '../risk/scoring/policy.js';

/**
 * What a result token says was proven (docs/security.md, "Result tokens per MFA path"): `amr`
 * (RFC 8176 method values) and `acr`. Vigil sees only its own step; the login service checked
 * the password and may add its own `pwd`.
 */
export interface Assurance {
  amr: string[];
  acr: string;
}

/**
 * `acr` of a result that proved a factor the user enrolled (TOTP, WebAuthn, SMS, voice, email
 * authenticator, recovery code): the OpenID PAPE multi-factor policy, the same value a login
 * service sends in `acr_values` to ask for step-up (docs/risk-model.md, "Policy"), so asking and
 * answering match.
 */
export const MULTI_FACTOR_ACR = STEP_UP_ACR;

/**
 * `acr` of a result that proved only a mailbox, for a user with no factor: a code sent to the
 * address the login service gave. Whoever reads the mailbox passes; it is the channel password
 * resets use, so with the password it is not two independent factors (docs/security.md, item 9).
 */
export const EMAIL_VERIFIED_ACR = 'urn:vigil:acr:email-verified';

/** A factor the user enrolled was proven: `mfa`, then what the factor names (RFC 8176 §2). */
export function factorAssurance(factorAmr: readonly string[]): Assurance {
  return { amr: ['mfa', ...new Set(factorAmr)], acr: MULTI_FACTOR_ACR };
}

/**
 * The email step of an unenrolled user: a one-time code (`otp`) was received, and no `mfa`:
 * that value would tell a relying party a second factor was proven.
 */
export const EMAIL_VERIFICATION_ASSURANCE: Assurance = { amr: ['otp'], acr: EMAIL_VERIFIED_ACR };
