import { FEATURES } from './features.js';
import { dayOf, type FamiliarityProfile, type ValueStats } from './profile.js';

/** A trimmed profile and how many values the trim dropped. */
export interface Trimmed {
  profile: FamiliarityProfile;
  dropped: number;
}

/**
 * Drop every value last seen more than `windowDays` whole days before `nowMs`'s day. History
 * older than about six months adds little (Wiefling et al., ACM TOPS 2022; `docs/risk-model.md`
 * §3), and dropping it keeps a profile's size and the score's cost flat in the user's age.
 * Returns the same profile object when nothing is dropped.
 */
export function trimProfile(profile: FamiliarityProfile, nowMs: number, windowDays: number): Trimmed {
  const oldest = dayOf(nowMs) - windowDays;
  let dropped = 0;
  // Made only when something goes: nearly every login finds nothing to drop.
  let values: Record<(typeof FEATURES)[number], ReadonlyMap<string, ValueStats>> | null = null;
  for (const f of FEATURES) {
    const current = profile.values[f];
    let kept: Map<string, ValueStats> | null = null;
    for (const [key, stats] of current) {
      if (stats.lastSeenDay < oldest) {
        kept ??= new Map(current);
        kept.delete(key);
        dropped++;
      }
    }
    if (kept !== null) {
      values ??= { ...profile.values };
      values[f] = kept;
    }
  }
  return values === null ? { profile, dropped } : { profile: { logins: profile.logins, values }, dropped };
}
