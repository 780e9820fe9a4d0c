import type { Assessment, AssessorName } from '../assessors/types.js';
import type { Config } from '../../config.js';

/**
 * Replace each assessment's confidence where the operator configured one for that assessor
 * and code (docs/risk-model.md: every default confidence is configuration). Returns a new
 * record; the input is not changed. Codes and details stay as the assessor gave them.
 */
export function applyOverrides(
  results: Record<AssessorName, Assessment>,
  overrides: Config['overrides'],
): Record<AssessorName, Assessment> {
  const out = { ...results };
  for (const name of Object.keys(out) as AssessorName[]) {
    const a = out[name];
    // Own properties only: a code never reads what every object inherits.
    const byCode = Object.hasOwn(overrides, name) ? overrides[name] : undefined;
    const confidence = byCode && Object.hasOwn(byCode, a.code) ? byCode[a.code] : undefined;
    if (confidence !== undefined) out[name] = { ...a, confidence };
  }
  return out;
}
