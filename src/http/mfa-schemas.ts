import { z } from 'zod';
import { CHALLENGE_TYPES } from '../mfa/challenge.js';
import { wellFormed } from './well-formed.js';

/** Request and response schemas of the `/v1/mfa` routes (Auth0's MFA API, adapted). */

const mfaToken = wellFormed().min(20).max(200).describe('The mfa_token from the challenge decision of /v1/assess.');
const code = wellFormed().min(1).max(32);

export const tokenOnlyBody = z.strictObject({ mfa_token: mfaToken });
export const emailVerifyBody = z.strictObject({ mfa_token: mfaToken, code: code.describe('The 6-digit code from the email.') });

export const associateBody = z.strictObject({
  mfa_token: mfaToken,
  authenticator_type: z.enum(['otp', 'email', 'webauthn', 'sms', 'voice']),
  phone_number: wellFormed().max(20).optional().describe('E.164, for sms and voice.'),
  name: wellFormed().min(1).max(64).optional(),
});

const proof = {
  otp: code.optional().describe('A TOTP code.'),
  binding_code: code.optional().describe('The code sent by email, SMS or voice.'),
  credential: z.record(z.string(), z.unknown()).optional().describe('A WebAuthn registration or authentication response (JSON).'),
};

/** Asked with the proof of a second factor; docs/risk-model.md, "Remembered browsers". */
const rememberBrowser = z
  .boolean()
  .optional()
  .describe("Remember this login's browser (its device_id) for the application's rememberBrowserDays: the always policy does not challenge it again until then.");

export const confirmBody = z.strictObject({ mfa_token: mfaToken, authenticator_id: z.uuid(), ...proof, remember_browser: rememberBrowser });

export const challengeBody = z.strictObject({
  mfa_token: mfaToken,
  authenticator_id: z.uuid().optional(),
  challenge_type: z.enum(CHALLENGE_TYPES).optional(),
});

export const verifyBody = z.strictObject({
  mfa_token: mfaToken,
  authenticator_id: z.uuid().optional(),
  ...proof,
  recovery_code: wellFormed().min(1).max(64).optional(),
  remember_browser: rememberBrowser,
});

export const mfaTokenHeader = z.object({ 'x-mfa-token': mfaToken });

/**
 * Factor-specific answers (secrets shown once, WebAuthn options...): documented per factor in
 * docs/api.md.
 */
export const openObject = z.record(z.string(), z.unknown());

export const resultResponse = z.object({
  result_token: z.string(),
  token_type: z.literal('JWT'),
  expires_in: z.number(),
  amr: z.array(z.string()),
  acr: z.string(),
  assessment_id: z.string(),
  committed: z.boolean(),
  remembered_until: z.string().optional().describe('With remember_browser: when the remembering ends (ISO 8601); absent when the browser was not remembered.'),
});

export const authenticatorView = z.object({
  id: z.string(),
  authenticator_type: z.string(),
  active: z.boolean(),
  name: z.string().nullable(),
  created_at: z.string(),
});
