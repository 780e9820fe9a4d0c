import { ASSESSOR_NAMES, type Assessment, type AssessorName, type Confidence } from '../assessors/types.js';
import type { CombinerConfig } from '../../config.js';
import type { Combined } from './combiner.js';

/** Risk per confidence; `neutral` carries no information and is left out. */
const RISK = { high: 0, medium: 0.5, low: 1 } as const satisfies Record<Exclude<Confidence, 'neutral'>, number>;

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/**
 * The `average` combiner: the first contract's Auth0-like rule, kept as an opt-in mode
 * (docs/risk-model.md "Combining").
 *
 * `score` is the weighted mean of per-assessor risk (high 0, medium 0.5, low 1), rounded to
 * 3 decimals; neutral and zero-weight assessors are left out. The band is read from the
 * rounded score, so the score shown always explains the confidence: `low` at or above
 * `bands.low`, `medium` at or above `bands.medium`, else `high`. With equal weights this
 * reproduces Auth0's logs: high/medium/high → high (0.167), high/medium/low → medium (0.5) —
 * one `low` alone never challenges.
 *
 * An `assessment_not_available` forces `low` (score at least `bands.low`): fail closed. With
 * `failOpen` it counts as neutral instead. An assessor weighted 0 is switched off by the
 * operator (Familiarity is, by default, in this mode), so its unavailability changes nothing
 * either way. Nothing included → `neutral`, score 0.
 */
export function averageRisk(results: Record<AssessorName, Assessment>, cfg: Pick<CombinerConfig, 'weights' | 'bands'>, failOpen: boolean): Combined {
  let weighted = 0;
  let total = 0;
  let unavailable = false;
  for (const name of ASSESSOR_NAMES) {
    const a = results[name];
    const weight = cfg.weights[name];
    if (weight <= 0) continue;
    if (a.code === 'assessment_not_available') {
      if (failOpen) continue;
      unavailable = true;
    }
    if (a.confidence === 'neutral') continue;
    weighted += weight * RISK[a.confidence];
    total += weight;
  }

  const mean = total > 0 ? round3(weighted / total) : 0;
  if (unavailable) return { confidence: 'low', score: Math.max(mean, cfg.bands.low) };
  if (total === 0) return { confidence: 'neutral', score: 0 };
  return { confidence: band(mean, cfg.bands), score: mean };
}

function band(score: number, bands: CombinerConfig['bands']): Confidence {
  if (score >= bands.low) return 'low';
  if (score >= bands.medium) return 'medium';
  return 'high';
}
