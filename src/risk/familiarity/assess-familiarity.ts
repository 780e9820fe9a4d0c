import type { Confidence } from '../assessors/types.js';
import type { Feature, LoginFeatures } from './features.js';
import type { PopulationStats } from './population.js';
import { hasValues, type FamiliarityProfile } from './profile.js';
import { scoreFamiliarity, type FamiliarityModel, type FamiliarityScore } from './score-familiarity.js';
import { trimProfile } from './trim-profile.js';

export const FAMILIARITY_CODES = [
  'familiar',
  'partly_familiar',
  'unfamiliar',
  'initial_login',
  'no_recent_history',
  'assessment_not_available',
] as const;
export type FamiliarityCode = (typeof FAMILIARITY_CODES)[number];

/** Default confidence per code; like every assessor's, meant to be overridable per code. */
export const FAMILIARITY_CONFIDENCE = {
  familiar: 'high',
  partly_familiar: 'medium',
  unfamiliar: 'low',
  initial_login: 'neutral',
  // Like NewDevice's no_device_history: an account back after months is neither known nor new.
  no_recent_history: 'medium',
  assessment_not_available: 'low',
} as const satisfies Record<FamiliarityCode, Confidence>;

/** Everything the familiarity settings hold (`familiarity` in config). */
export interface FamiliaritySettings extends FamiliarityModel {
  windowDays: number;
  maxValuesPerFeature: number;
  /** Score bands, nats: ≤ `familiarMaxNats` familiar; ≥ `unfamiliarMinNats` unfamiliar; between, partly. */
  thresholds: { familiarMaxNats: number; unfamiliarMinNats: number };
}

export interface FamiliarityAssessment {
  confidence: Confidence;
  code: FamiliarityCode;
  details?: Record<string, unknown>;
  /** The full score, for logs and replays; not part of the answer. */
  score?: FamiliarityScore;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/**
 * The Familiarity assessment (`docs/risk-model.md` §5): trims the profile to the window at
 * `nowMs`, scores the login and maps the score to a code by the configured bands. `profile` null
 * means it could not be loaded: `assessment_not_available`. Details name the features that were
 * new and each present feature's contribution in nats (rounded to 3 decimals); values and keys
 * never appear. Pure.
 */
export function assessFamiliarity(
  input: { profile: FamiliarityProfile | null; features: LoginFeatures; population: PopulationStats; nowMs: number },
  settings: FamiliaritySettings,
): FamiliarityAssessment {
  const answer = (code: FamiliarityCode, extra: Omit<FamiliarityAssessment, 'code' | 'confidence'> = {}): FamiliarityAssessment => ({
    confidence: FAMILIARITY_CONFIDENCE[code],
    code,
    ...extra,
  });
  if (input.profile === null) return answer('assessment_not_available');
  if (input.profile.logins === 0) return answer('initial_login');
  const { profile } = trimProfile(input.profile, input.nowMs, settings.windowDays);
  if (!hasValues(profile)) return answer('no_recent_history');

  const score = scoreFamiliarity(profile, input.features, input.population, settings);
  const { familiarMaxNats, unfamiliarMinNats } = settings.thresholds;
  const code: FamiliarityCode =
    score.score <= familiarMaxNats ? 'familiar' : score.score >= unfamiliarMinNats ? 'unfamiliar' : 'partly_familiar';
  const contributions: Partial<Record<Feature, number>> = {};
  const fresh: Feature[] = [];
  for (const f of score.features) {
    // New to the user: a value never shown, or a feature the user never had a value for.
    if (f.status === 'new' || f.status === 'no_history') fresh.push(f.feature);
    if (f.status === 'new' || f.status === 'known') contributions[f.feature] = round3(f.contribution);
  }
  const details = {
    score: round3(score.score),
    groups: { network: round3(score.groups.network), agent: round3(score.groups.agent), device: round3(score.groups.device) },
    new_features: fresh,
    contributions,
  };
  return answer(code, { details, score });
}
