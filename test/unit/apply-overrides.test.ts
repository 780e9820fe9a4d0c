import { describe, expect, it } from 'vitest';
import { applyOverrides } from '../../src/risk/scoring/apply-overrides.js';
import { results } from './scoring-fixtures.js';

describe('applyOverrides', () => {
  it('replaces the confidence for a configured assessor and code only', () => {
    const r = results('low', 'medium', 'medium');
    const out = applyOverrides(r, {
      NewDevice: { no_match: 'medium' },
      ImpossibleTravel: { impossible_travel_from_last_login: 'neutral' },
    });
    expect(out.NewDevice).toEqual({ confidence: 'medium', code: 'no_match' });
    // The code configured for ImpossibleTravel is not the one it returned.
    expect(out.ImpossibleTravel).toEqual({ confidence: 'medium', code: 'substantial_travel_from_last_login' });
    expect(out.UntrustedIP).toEqual({ confidence: 'medium', code: 'found_on_deny_list' });
  });

  it('does not apply one assessor`s override to another with the same code', () => {
    const r = results('neutral', 'neutral', 'high');
    const out = applyOverrides(r, { ImpossibleTravel: { initial_login: 'low' } });
    expect(out.NewDevice.confidence).toBe('neutral');
    expect(out.ImpossibleTravel).toEqual({ confidence: 'low', code: 'initial_login' });
  });

  it('keeps details and leaves the input unchanged', () => {
    const r = {
      ...results('high', 'high', 'medium'),
      UntrustedIP: { confidence: 'medium', code: 'found_on_deny_list', details: { category: 'datacenter' } } as const,
    };
    const before = structuredClone(r);
    const out = applyOverrides(r, { UntrustedIP: { found_on_deny_list: 'high' } });
    expect(out.UntrustedIP).toEqual({ confidence: 'high', code: 'found_on_deny_list', details: { category: 'datacenter' } });
    expect(r).toEqual(before);
    expect(out).not.toBe(r);
  });

  it('can override assessment_not_available', () => {
    const r = { ...results('high', 'high', 'high'), NewDevice: { confidence: 'low', code: 'assessment_not_available' } as const };
    expect(applyOverrides(r, { NewDevice: { assessment_not_available: 'medium' } }).NewDevice.confidence).toBe('medium');
  });

  it('returns equal results with no overrides', () => {
    const r = results('low', 'neutral', 'high');
    expect(applyOverrides(r, {})).toEqual(r);
  });
});
