import { describe, expect, it } from 'vitest';
import { loadConfig, type CombinerConfig } from '../../src/config.js';
import { combine } from '../../src/risk/scoring/combiner.js';
import { results } from './scoring-fixtures.js';

/** `average` mode with its defaults (src/config.ts): equal weights, Familiarity 0, bands low ≥ 0.6, medium ≥ 0.3. */
const cfg: CombinerConfig = { ...loadConfig({}, { combiner: { mode: 'average' } }).combiner };
const withWeights = (w: Partial<CombinerConfig['weights']>): CombinerConfig => ({ ...cfg, weights: { ...cfg.weights, ...w } });
const unavailable = (r: ReturnType<typeof results>, name: keyof typeof r) => ({
  ...r,
  [name]: { confidence: 'low', code: 'assessment_not_available', details: { reason: 'error' } },
});

describe('combine', () => {
  it('Auth0 logs: high/medium/high → high', () => {
    expect(combine(results('high', 'medium', 'high'), cfg, false)).toEqual({ confidence: 'high', score: 0.167 });
  });

  it('Auth0 logs: high/medium/low → medium (one low alone does not force MFA)', () => {
    expect(combine(results('high', 'medium', 'low'), cfg, false)).toEqual({ confidence: 'medium', score: 0.5 });
  });

  it('all high → high, score 0; all low → low, score 1', () => {
    expect(combine(results('high', 'high', 'high'), cfg, false)).toEqual({ confidence: 'high', score: 0 });
    expect(combine(results('low', 'low', 'low'), cfg, false)).toEqual({ confidence: 'low', score: 1 });
  });

  it('rounds the score to 3 decimals', () => {
    expect(combine(results('low', 'high', 'high'), cfg, false)).toEqual({ confidence: 'medium', score: 0.333 });
  });

  it('leaves neutral assessors out of the mean', () => {
    expect(combine(results('neutral', 'low', 'high'), cfg, false)).toEqual({ confidence: 'medium', score: 0.5 });
    expect(combine(results('neutral', 'neutral', 'low'), cfg, false)).toEqual({ confidence: 'low', score: 1 });
  });

  it('all neutral → neutral with score 0', () => {
    expect(combine(results('neutral', 'neutral', 'neutral'), cfg, false)).toEqual({ confidence: 'neutral', score: 0 });
  });

  it('weights the mean', () => {
    // (4 × 1 + 1 × 0 + 1 × 0) / 6
    expect(combine(results('high', 'low', 'high'), withWeights({ ImpossibleTravel: 4 }), false)).toEqual({
      confidence: 'low',
      score: 0.667,
    });
    // (0.5 × 1 + 0.5 × 0.5 + 2 × 0) / 3
    expect(combine(results('low', 'medium', 'high'), withWeights({ NewDevice: 0.5, ImpossibleTravel: 0.5, UntrustedIP: 2 }), false)).toEqual({
      confidence: 'high',
      score: 0.25,
    });
  });

  it('leaves zero-weight assessors out; all zero → neutral', () => {
    expect(combine(results('low', 'high', 'high'), withWeights({ NewDevice: 0 }), false)).toEqual({ confidence: 'high', score: 0 });
    expect(combine(results('low', 'low', 'low'), withWeights({ NewDevice: 0, ImpossibleTravel: 0, UntrustedIP: 0 }), false)).toEqual({
      confidence: 'neutral',
      score: 0,
    });
  });

  it('puts a score equal to a band edge in that band', () => {
    // low weight 3, high weight 2 → 3/5 = 0.6; medium weight 3, high weight 2 → 1.5/5 = 0.3
    expect(combine(results('low', 'high', 'neutral'), withWeights({ NewDevice: 3, ImpossibleTravel: 2 }), false).confidence).toBe('low');
    expect(combine(results('medium', 'high', 'neutral'), withWeights({ NewDevice: 3, ImpossibleTravel: 2 }), false).confidence).toBe(
      'medium',
    );
  });

  it('reads configured bands', () => {
    const strict: CombinerConfig = { ...cfg, bands: { low: 0.4, medium: 0.1 } };
    expect(combine(results('high', 'medium', 'low'), strict, false)).toEqual({ confidence: 'low', score: 0.5 });
    expect(combine(results('high', 'medium', 'high'), strict, false)).toEqual({ confidence: 'medium', score: 0.167 });
  });

  it('assessment_not_available forces low, score at least bands.low (fail closed)', () => {
    const r = unavailable(results('high', 'high', 'high'), 'ImpossibleTravel');
    // mean (0 + 1 + 0) / 3 = 0.333, raised to bands.low
    expect(combine(r, cfg, false)).toEqual({ confidence: 'low', score: 0.6 });
    expect(combine(unavailable(results('low', 'low', 'high'), 'UntrustedIP'), cfg, false)).toEqual({ confidence: 'low', score: 1 });
  });

  it('assessment_not_available forces low even when an override made it neutral', () => {
    const r = { ...results('high', 'high', 'high'), UntrustedIP: { confidence: 'neutral', code: 'assessment_not_available' } as const };
    expect(combine(r, { ...cfg, bands: { low: 0.7, medium: 0.3 } }, false)).toEqual({ confidence: 'low', score: 0.7 });
  });

  it('failOpen counts assessment_not_available as neutral', () => {
    // NewDevice out: (0.5 + 0) / 2
    const r = unavailable(results('high', 'medium', 'high'), 'NewDevice');
    expect(combine(r, cfg, true)).toEqual({ confidence: 'high', score: 0.25 });
    const all = unavailable(unavailable(unavailable(results('high', 'high', 'high'), 'NewDevice'), 'ImpossibleTravel'), 'UntrustedIP');
    expect(combine(all, cfg, true)).toEqual({ confidence: 'neutral', score: 0 });
    expect(combine(all, cfg, false)).toEqual({ confidence: 'low', score: 1 });
  });

  it('ignores the unavailability of an assessor the operator weighted 0', () => {
    const r = unavailable(results('high', 'high', 'high'), 'ImpossibleTravel');
    expect(combine(r, withWeights({ ImpossibleTravel: 0 }), false)).toEqual({ confidence: 'high', score: 0 });
  });
});
