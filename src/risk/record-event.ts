import { VigilError } from '../errors.js';
import type { Caller } from '../caller.js';
import type { Metrics } from '../platform/metrics/metrics.js';
import type { TrafficStore } from '../stores/traffic/traffic-store.js';
import { endUserIp } from './end-user-ip.js';

export interface LoginFailedEvent {
  type: 'login_failed';
  ip?: string | undefined;
  user_id?: string | undefined;
  user_agent?: string | undefined;
  reason?: string | undefined;
}

/** What recording a failed login counts in. */
export interface RecordEventDeps {
  traffic: Pick<TrafficStore, 'recordFailure'>;
  metrics: Pick<Metrics, 'events' | 'forwardedForIgnored'>;
  now(): number;
}

/**
 * Count a failed login against its IP, and against the account from that IP when `user_id` is given
 * (docs/ip-intelligence.md, "Traffic reputation"). Counters key on the IP and on account+IP, never
 * on the account alone, so nobody can get a victim's account flagged by failing logins against it.
 */
export async function recordEvent(deps: RecordEventDeps, event: LoginFailedEvent, caller: Caller): Promise<{ recorded: true; ip: string }> {
  // Without a trusted, non-empty header the body must name the address, or the failure would
  // land on the connection address: the login service itself.
  const trustedHeader = caller.client.trustForwardedFor && (caller.forwardedFor ?? '').trim() !== '';
  if (!trustedHeader && event.ip === undefined) {
    throw new VigilError('invalid_request', "body: ip is required (the end user's address, not the login service's)");
  }
  const resolved = endUserIp(deps, caller, event.ip);
  if (resolved.ip === null) {
    throw new VigilError('invalid_ip_address', `auth0-forwarded-for is not an IP address: "${resolved.invalidIp}"`);
  }
  deps.metrics.events.inc({ type: event.type });
  try {
    await deps.traffic.recordFailure(resolved.ip, event.user_id ?? null, deps.now());
  } catch (err) {
    throw new VigilError('store_unavailable', 'could not record the event; retry', { cause: err });
  }
  return { recorded: true, ip: resolved.ip };
}
