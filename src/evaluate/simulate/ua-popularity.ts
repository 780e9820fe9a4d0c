import type { SimLogin } from './sim-login.js';

/** The commonest user agents of a set of logins. */
export interface UaPopularity {
  /** The commonest user agent overall ('' when no login has one). */
  top: string;
  /** The commonest user agent of each family. */
  topByFamily: ReadonlyMap<string, string>;
}

function commonest(counts: Map<string, number>): string {
  let best = '';
  let bestCount = 0;
  for (const [ua, n] of counts) {
    // Ties go to the smaller string, so the answer does not depend on Map order.
    if (n > bestCount || (n === bestCount && ua < best)) {
      best = ua;
      bestCount = n;
    }
  }
  return best;
}

/**
 * Count the user agents of `logins` (what an attacker reads off public browser statistics; here
 * the population itself), overall and per family as `familyOf` gives it.
 */
export function uaPopularity(logins: Iterable<SimLogin>, familyOf: (ua: string) => string | null): UaPopularity {
  const all = new Map<string, number>();
  for (const l of logins) if (l.userAgent !== '') all.set(l.userAgent, (all.get(l.userAgent) ?? 0) + 1);
  const byFamily = new Map<string, Map<string, number>>();
  for (const [ua, n] of all) {
    const family = familyOf(ua);
    if (family === null) continue;
    const counts = byFamily.get(family) ?? new Map<string, number>();
    counts.set(ua, n);
    byFamily.set(family, counts);
  }
  return { top: commonest(all), topByFamily: new Map([...byFamily].map(([f, c]) => [f, commonest(c)])) };
}
