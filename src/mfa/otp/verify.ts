import type { FactorEnv, FactorState, Proof, Verified } from '../types.js';
import { safeEqual } from '../crypto/codes.js';
import type { OtpState } from './enroll.js';
import { TOTP_DIGITS, TOTP_DRIFT_STEPS, codeAtStep, timeStep } from './totp.js';

const CODE_RE = new RegExp(`^\\d{${TOTP_DIGITS}}$`);

function readState(state: FactorState): OtpState {
  const { secret, lastStep } = state;
  if (typeof secret !== 'string') throw new Error('otp state has no sealed secret');
  if (lastStep !== null && lastStep !== undefined && !Number.isSafeInteger(lastStep)) throw new Error('otp state has a bad lastStep');
  return { secret, lastStep: (lastStep as number | null | undefined) ?? null };
}

/**
 * Check a TOTP code at `env.nowMs` with one step of drift either side (RFC 6238 §5.2), then
 * apply our replay rule: a code whose matched step is at or before `lastStep` was (or could
 * have been) used already (RFC 6238 §5.2: "the verifier MUST NOT accept the second attempt of
 * the same OTP"). On success the new state records the matched step; the service saves it
 * with a version check, so two parallel requests cannot both use one code.
 */
export async function verifyOtp(env: FactorEnv, state: FactorState, proof: Proof): Promise<Verified> {
  const current = readState(state);
  // Apps often show "123 456"; people paste it as shown.
  const code = (proof.otp ?? '').replace(/\s+/g, '');
  if (!CODE_RE.test(code)) return { ok: false, reason: 'invalid_code' };

  const secret = env.open(current.secret);
  const now = timeStep(env.nowMs);
  let matched: number | null = null;
  // Compare at every step of the window (no early exit), keeping the latest match: should two
  // steps share a code by chance, recording the later one keeps both from being reused.
  for (let step = now - TOTP_DRIFT_STEPS; step <= now + TOTP_DRIFT_STEPS; step++) {
    if (safeEqual(codeAtStep(secret, step), code)) matched = step;
  }
  if (matched === null) return { ok: false, reason: 'invalid_code' };
  if (current.lastStep !== null && matched <= current.lastStep) return { ok: false, reason: 'replayed' };
  const next: OtpState = { secret: current.secret, lastStep: matched };
  return { ok: true, state: next };
}
