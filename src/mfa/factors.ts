import type { Deps } from '../deps.js';
import { emailFactor } from './email/index.js';
import { otp } from './otp/index.js';
import { recoveryCode } from './recovery-code/index.js';
import { sms } from './sms/index.js';
import type { FactorType, MfaFactor } from './types.js';
import { voice } from './voice/index.js';
import { webauthn } from './webauthn/index.js';

/** Every factor, one explicit list (docs/design.md, "Conventions": no autoloading). */
export const factors = {
  otp,
  email: emailFactor,
  'recovery-code': recoveryCode,
  webauthn,
  sms,
  voice,
} as const satisfies Record<FactorType, MfaFactor>;

/** Types a user can enroll through `/v1/mfa/associate` here: delivery-backed ones only when they can deliver. */
export function enrollableTypes(deps: Deps, email: string | null): FactorType[] {
  const types: FactorType[] = ['otp', 'webauthn'];
  if (deps.mfa.mailer && email) types.push('email');
  if (deps.mfa.phone) types.push('sms', 'voice');
  return types;
}
