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
