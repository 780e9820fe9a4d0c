import { parseIp, resolveClientIp, type ClientIp } from './context/ip.js';
import { VigilError } from '../errors.js';
import type { Caller } from '../caller.js';
import type { Metrics } from '../platform/metrics/metrics.js';

/**
 * The end-user address of a request (docs/api.md, "End-user IP"): trusted `auth0-forwarded-for`,
 * else the body's `ip`, else the connection. A malformed body `ip` is the caller's mistake and a
 * 400; an ignored header from an untrusted client is counted.
 */
export function endUserIp(deps: { metrics: Pick<Metrics, 'forwardedForIgnored'> }, caller: Caller, bodyIp: string | undefined): ClientIp {
  if (bodyIp !== undefined && !parseIp(bodyIp)) {
    throw new VigilError('invalid_ip_address', `"ip" must be an IPv4 or IPv6 address, got "${bodyIp.slice(0, 64)}"`);
  }
  const resolved = resolveClientIp({
    forwardedFor: caller.forwardedFor,
    trustForwardedFor: caller.client.trustForwardedFor,
    bodyIp,
    connectionIp: caller.connectionIp,
  });
  if (resolved.ignoredForwardedFor) deps.metrics.forwardedForIgnored.inc({ client: caller.client.id });
  return resolved;
}
