import { checkCode, issueCode } from '../email/code.js';
import type { Challenged, EnrollInput, Enrolled, FactorEnv, FactorState, Pending, Proof, Verified } from '../types.js';

/** The phone channels; SMS and voice share everything but the channel. */
export type PhoneChannel = 'sms' | 'voice';

/** ITU-T E.164: `+`, a country code not starting with 0, at most 15 digits in all. */
export const E164_RE = /^\+[1-9]\d{6,14}$/;

/** Whether `value` is an E.164 number; the HTTP schema checks this before enroll is called. */
export function isE164(value: string): boolean {
  return E164_RE.test(value);
}

/** A phone authenticator at rest: the sealed number, and its last four digits to show in lists. */
export interface PhoneState {
  [key: string]: unknown;
  phone: string;
  last4: string;
}

function oob(channel: PhoneChannel) {
  return { oob_channel: channel, binding_method: 'prompt' };
}

/** Enroll `input.phoneNumber` for `channel`: send it a code to confirm. Throws on a number that is not E.164. */
export async function enrollPhone(env: FactorEnv, input: EnrollInput, channel: PhoneChannel): Promise<Enrolled> {
  const phone = input.phoneNumber ?? '';
  if (!isE164(phone)) throw new Error('phone number must be E.164, e.g. +14155550100');
  const { pending, deliver } = issueCode(env, channel, phone, 'enroll');
  const state: PhoneState = { phone: env.seal(phone), last4: phone.slice(-4) };
  return { state, show: { authenticator_type: 'oob', ...oob(channel), phone_last4: state.last4 }, pending, deliver };
}

/** Send a login code to the enrolled number. */
export async function challengePhone(env: FactorEnv, state: FactorState, channel: PhoneChannel): Promise<Challenged> {
  if (typeof state['phone'] !== 'string') throw new Error(`${channel} state has no sealed phone number`);
  const { pending, deliver } = issueCode(env, channel, env.open(state['phone']), 'challenge');
  return { show: { challenge_type: 'oob', ...oob(channel) }, pending, deliver };
}

/** Check a phone code (`binding_code`, or `otp`); the state comes back unchanged. */
export async function verifyPhone(env: FactorEnv, state: FactorState, pending: Pending | null, proof: Proof, channel: PhoneChannel): Promise<Verified> {
  const result = checkCode(env, channel, pending, proof.binding_code ?? proof.otp);
  return result.ok ? { ok: true, state } : result;
}
