import { FEATURES, type Feature, type LoginFeatures } from './features.js';
import { dayOf, MAX_VALUE_COUNT, type FamiliarityProfile, type ValueStats } from './profile.js';
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
 * The least recently seen value; on a tie the rarer one, then the smaller key, so the choice
 * does not depend on insertion order.
 */
function evictionVictim(values: ReadonlyMap<string, ValueStats>): string | null {
  let victim: string | null = null;
  let worst: ValueStats | null = null;
  for (const [key, stats] of values) {
    if (
      worst === null ||
      stats.lastSeenDay < worst.lastSeenDay ||
      (stats.lastSeenDay === worst.lastSeenDay && (stats.count < worst.count || (stats.count === worst.count && key < victim!)))
    ) {
      victim = key;
      worst = stats;
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
  const values = { ...base.values } as Record<Feature, ReadonlyMap<string, ValueStats>>;
  let evicted = 0;
  const added: Feature[] = [];
  for (const f of FEATURES) {
    const fv = features[f];
    if (fv === null) continue;
    const next = new Map(values[f]);
    const seen = next.get(fv.key);
    if (seen) {
      if (seen.count + 1 > MAX_VALUE_COUNT) {
        for (const [k, s] of next) next.set(k, { count: Math.ceil(s.count / 2), lastSeenDay: s.lastSeenDay });
      }
      const current = next.get(fv.key)!;
      next.set(fv.key, { count: current.count + 1, lastSeenDay: Math.max(current.lastSeenDay, day) });
    } else {
      while (next.size >= limits.maxValuesPerFeature) {
        next.delete(evictionVictim(next)!);
        evicted++;
      }
      next.set(fv.key, { count: 1, lastSeenDay: day });
      added.push(f);
    }
    values[f] = next;
  }
  return { profile: { logins: base.logins + 1, values }, trimmed: dropped, evicted, added };
}
