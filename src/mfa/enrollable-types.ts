import type { MfaDeps } from './mfa-deps.js';
import type { FactorType } from './types.js';

/** Types a user can enroll through `/v1/mfa/associate` here: delivery-backed ones only when they can deliver. */
export function enrollableTypes(deps: Pick<MfaDeps, 'mfa'>, email: string | null): FactorType[] {
  const types: FactorType[] = ['otp', 'webauthn'];
  if (deps.mfa.mailer && email) types.push('email');
  if (deps.mfa.phone) types.push('sms', 'voice');
  return types;
}
