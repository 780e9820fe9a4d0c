import type { Assessment, AssessorName, Confidence } from '../assessors/types.js';
import type { CombinerConfig } from '../../config.js';
import { averageRisk } from './average-risk.js';
import { weighEvidence, type Evidence } from './weigh-evidence.js';

/** The overall confidence and the numeric score in [0, 1] behind it. */
export interface Combined {
  confidence: Confidence;
  score: number;
  /** `evidence` mode: the nats each signal added, and their sum (docs/risk-model.md "Combining"). */
  evidence?: Evidence;
  /** What raised the risk, most first; the policy gives these as the decision's reasons. */
  reasons?: string[];
}

/**
 * Combine per-assessor answers into one confidence and score, by the configured mode
 * (`combiner.mode`): `evidence` (default; `weighEvidence`) or `average` (`averageRisk`).
 * An `assessment_not_available` forces `low` in both — fail closed — unless `failOpen`.
 */
export function combine(results: Record<AssessorName, Assessment>, cfg: CombinerConfig, failOpen: boolean): Combined {
  return cfg.mode === 'average' ? averageRisk(results, cfg, failOpen) : weighEvidence(results, cfg.evidence, failOpen);
}
