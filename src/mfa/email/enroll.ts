import type { Enrolled, FactorEnv } from '../types.js';
import { issueEmailCode } from './code.js';

/**
 * Enroll the email the login service knows for this user: send a code there to confirm it.
 * The state stays empty because codes always go to `env.email`, the address the login
 * service vouches for at the time of each login, never to an address copied at enrollment.
 * Throws when no email is known (the service answers `email_required` before calling).
 */
export async function enrollEmail(env: FactorEnv): Promise<Enrolled> {
  const { pending, deliver } = issueEmailCode(env, 'enroll');
  return {
    state: {},
    // Auth0's associate answer for an email authenticator: an out-of-band code, typed in (prompt).
    show: { authenticator_type: 'oob', oob_channel: 'email', binding_method: 'prompt' },
    pending,
    deliver,
  };
}
