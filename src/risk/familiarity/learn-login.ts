import type { LoginFeatures } from './features.js';
import { commitLogin, type ProfileLimits } from './commit-login.js';
import { commitPlace, type Place, type PlaceLimits } from './places.js';
import type { FamiliarityProfile } from './profile.js';

/** What a committed login teaches the familiarity model about its user. */
export interface LoginLesson {
  features: LoginFeatures;
  /** Where the user was, when the login located them (not through an anonymizer). */
  place: { lat: number; lon: number; accuracyKm: number | null } | null;
  atMs: number;
}

/**
 * The user's profile and familiar places after one committed login (docs/risk-model.md §3):
 * the features counted, the place merged. Pure; the store writes the results in the commit's
 * one write.
 */
export function learnLogin(
  known: { profile: FamiliarityProfile; places: readonly Place[] },
  lesson: LoginLesson,
  limits: ProfileLimits & PlaceLimits,
): { profile: FamiliarityProfile; places: readonly Place[] } {
  const { profile } = commitLogin(known.profile, lesson.features, lesson.atMs, limits);
  const places = lesson.place === null ? known.places : commitPlace(known.places, { ...lesson.place, atMs: lesson.atMs }, limits);
  return { profile, places };
}
