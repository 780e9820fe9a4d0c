import { FEATURES, type Feature, type LoginFeatures } from './features.js';
import { dayOf, MAX_VALUE_COUNT, profileValues, type FamiliarityProfile, type FeatureValues } from './profile.js';
import { trimProfile } from './trim-profile.js';

/** The bounds a commit keeps (`familiarity` in config). */
export interface ProfileLimits {
  /** Values kept per feature; the least recently seen goes first. */
  maxValuesPerFeature: number;
  /** Values not seen for this many days are dropped. */
  windowDays: number;
}

/** What a commit changed, for metrics and tests. */
export interface Committed {
  profile: FamiliarityProfile;
  /** Values dropped by the window trim. */
  trimmed: number;
  /** Values evicted to make room for new ones. */
  evicted: number;
  /** Features whose value was new to the profile. */
  added: Feature[];
}

/**
 * The position of the least recently seen value; on a tie the rarer one, then the smaller key,
 * so the choice does not depend on the order of the list.
 */
function evictionVictim(values: FeatureValues): number {
  let victim = 0;
  for (let i = 1; i < values.length; i++) {
    const stats = values[i]!;
    const worst = values[victim]!;
    if (
      stats.lastSeenDay < worst.lastSeenDay ||
      (stats.lastSeenDay === worst.lastSeenDay && (stats.count < worst.count || (stats.count === worst.count && stats.key < worst.key)))
    ) {
      victim = i;
    }
  }
  return victim;
}

/**
 * Add a login (made at `atMs`) to a profile: trim to the window first, then for each feature the
 * login has, count its value and mark it seen on the login's day. A value new to a full feature
 * takes the place of the least recently seen one. A count reaching {@link MAX_VALUE_COUNT}
 * halves the feature's counts. A late login (a back-fill) never moves a last-seen day back.
 * Pure: returns a new profile and leaves `profile` as it was.
 */
export function commitLogin(profile: FamiliarityProfile, features: LoginFeatures, atMs: number, limits: ProfileLimits): Committed {
  const { profile: base, dropped } = trimProfile(profile, atMs, limits.windowDays);
  const day = dayOf(atMs);
  let evicted = 0;
  const added: Feature[] = [];
  const values = FEATURES.map((f) => {
    const fv = features[f];
    const current = base.values[f];
    if (fv === null) return current;
    let next = current.slice();
    const seen = next.findIndex((v) => v.key === fv.key);
    if (seen >= 0) {
      if (next[seen]!.count + 1 > MAX_VALUE_COUNT) next = next.map((v) => ({ key: v.key, count: Math.ceil(v.count / 2), lastSeenDay: v.lastSeenDay }));
      const { key, count, lastSeenDay } = next[seen]!;
      next[seen] = { key, count: count + 1, lastSeenDay: Math.max(lastSeenDay, day) };
    } else {
      while (next.length >= limits.maxValuesPerFeature) {
        next.splice(evictionVictim(next), 1);
        evicted++;
      }
      next.push({ key: fv.key, count: 1, lastSeenDay: day });
      added.push(f);
    }
    return next;
  });
  return { profile: { logins: base.logins + 1, values: profileValues(values) }, trimmed: dropped, evicted, added };
}
