import type { Deps } from '../deps.js';
import { VigilError } from '../errors.js';

export interface LoginFailedEvent {
  type: 'login_failed';
  ip?: string | undefined;
  user_id?: string | undefined;
  user_agent?: string | undefined;
  reason?: string | undefined;
}

/**
 * Count a failed login against its IP. Counters key on the IP only — never on the account —
 * so nobody can get a victim's account flagged by failing logins against it.
 */
export async function recordEvent(deps: Deps, event: LoginFailedEvent, ip: string): Promise<{ recorded: true; ip: string }> {
  deps.metrics.events.inc({ type: event.type });
  try {
    await deps.store.recordIpFailure(ip, deps.now());
  } catch (err) {
    throw new VigilError('store_unavailable', 'could not record the event; retry', { cause: err });
  }
  return { recorded: true, ip };
}
