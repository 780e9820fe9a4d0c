import type { Assessment, Assessor, AssessorInput } from './types.js';

const DAY_MS = 86_400_000;

type Seen = 'known' | 'unknown' | 'not_provided';

/** Whether `key` was seen at or after `sinceMs`; `not_provided` when the caller sent none. */
function seen(key: string | null, lastSeen: ReadonlyMap<string, number>, sinceMs: number): Seen {
  if (key === null) return 'not_provided';
  const at = lastSeen.get(key);
  return at !== undefined && at >= sinceMs ? 'known' : 'unknown';
}

function hasAnySince(lastSeen: ReadonlyMap<string, number>, sinceMs: number): boolean {
  for (const at of lastSeen.values()) if (at >= sinceMs) return true;
  return false;
}

/**
 * NewDevice (docs/risk-model.md, "NewDevice"): is this device cookie and user-agent family known
 * for the user?
 *
 * A device or user agent counts as known when last seen within `deviceTrustDays` of `nowMs`
 * (Auth0: 30 days). `match` needs both known, as in Auth0; one known is `partial_match`, even
 * when the caller sent only one of the two. Details say what was compared; the device hash
 * itself never leaves the service.
 */
export const newDevice = {
  name: 'NewDevice',
  assess({ login, history, settings, nowMs }: AssessorInput): Assessment<'NewDevice'> {
    const { deviceHash, uaFamily } = login;
    // Decided by the request alone: with nothing to compare, history would add nothing.
    if (deviceHash === null && uaFamily === null) {
      return { confidence: 'neutral', code: 'unknown_device', details: details('not_provided', 'not_provided', null) };
    }
    if (history === null) return { confidence: 'low', code: 'assessment_not_available' };
    if (!history.known) return { confidence: 'neutral', code: 'initial_login' };

    const sinceMs = nowMs - settings.deviceTrustDays * DAY_MS;
    const device = seen(deviceHash, history.devices, sinceMs);
    const useragent = seen(uaFamily, history.userAgents, sinceMs);
    const d = details(device, useragent, uaFamily);

    if (!hasAnySince(history.devices, sinceMs) && !hasAnySince(history.userAgents, sinceMs)) {
      return { confidence: 'medium', code: 'no_device_history', details: d };
    }
    if (device === 'known' && useragent === 'known') return { confidence: 'high', code: 'match', details: d };
    if (device === 'known' || useragent === 'known') return { confidence: 'medium', code: 'partial_match', details: d };
    return { confidence: 'low', code: 'no_match', details: d };
  },
} as const satisfies Assessor<'NewDevice'>;

function details(device: Seen, useragent: Seen, uaFamily: string | null): Record<string, unknown> {
  return { device, useragent, ua_family: uaFamily };
}
