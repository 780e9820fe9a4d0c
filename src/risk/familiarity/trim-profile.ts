import { FEATURES } from './features.js';
import { dayOf, profileValues, type FamiliarityProfile } from './profile.js';

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
  const before = FEATURES.map((f) => profile.values[f]);
  // Nearly every login finds nothing to drop: then nothing is copied.
  if (before.every((values) => values.every((v) => v.lastSeenDay >= oldest))) return { profile, dropped: 0 };
  const after = before.map((values) => values.filter((v) => v.lastSeenDay >= oldest));
  const dropped = before.reduce((n, values, i) => n + values.length - after[i]!.length, 0);
  return { profile: { logins: profile.logins, values: profileValues(after) }, dropped };
}
