import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { assessFamiliarity, FAMILIARITY_CODES, FAMILIARITY_CONFIDENCE } from '../../../src/risk/familiarity/assess-familiarity.js';
import { EMPTY_POPULATION, populationFromCounts } from '../../../src/risk/familiarity/population.js';
import { DAY_MS, EMPTY_PROFILE } from '../../../src/risk/familiarity/profile.js';
import { loginOf, profileOf } from './fixtures.js';

const settings = loadConfig({}).familiarity;
const NOW = 20_000 * DAY_MS;
const USER = profileOf(9, { ip: { A: 9 }, country: { DE: 9 }, device: { D: 9 } });
const POP = populationFromCounts(1000, new Map([['country', new Map([['DE', 300]])]]));
const assess = (profile: typeof USER | null, keys: Parameters<typeof loginOf>[0], nowMs = NOW) =>
  assessFamiliarity({ profile, features: loginOf(keys), population: POP, nowMs }, settings);

describe('assessFamiliarity', () => {
  it('is not available without a profile, neutral for a user with no history', () => {
    expect(assess(null, { ip: 'A' })).toEqual({ confidence: 'low', code: 'assessment_not_available' });
    expect(assess(EMPTY_PROFILE, { ip: 'A' })).toEqual({ confidence: 'neutral', code: 'initial_login' });
  });

  it('answers no_recent_history when the window has trimmed everything', () => {
    expect(assess(USER, { ip: 'A' }, NOW + 181 * DAY_MS)).toEqual({ confidence: 'medium', code: 'no_recent_history' });
  });

  it('maps the score to bands: familiar ≤ 0 < partly_familiar < 1 ≤ unfamiliar (defaults)', () => {
    // Known IP, country and cookie: every ratio negative.
    const known = assess(USER, { ip: 'A', country: 'DE', device: 'D' });
    expect(known.code).toBe('familiar');
    expect(known.confidence).toBe('high');
    expect(known.score!.score).toBeLessThanOrEqual(0);

    // New cookie alone, n = 9, U = 1: 1 × ln(10) ≈ 2.303, above the unfamiliar band.
    const newDevice = assess(USER, { device: 'E' });
    expect(newDevice.score!.score).toBeCloseTo(Math.log(10), 12);
    expect(newDevice).toMatchObject({ code: 'unfamiliar', confidence: 'low' });

    // New IP alone: U = 1 + 1 (country) = 2 → 0.35 × ln(11/2) ≈ 0.5967, between the bands.
    const newIp = assess(USER, { ip: 'B' });
    expect(newIp.score!.score).toBeCloseTo(0.35 * Math.log(11 / 2), 12);
    expect(newIp).toMatchObject({ code: 'partly_familiar', confidence: 'medium' });
  });

  it('takes the bands from settings', () => {
    const strict = { ...settings, thresholds: { familiarMaxNats: -5, unfamiliarMinNats: 0.5 } };
    const a = assessFamiliarity({ profile: USER, features: loginOf({ ip: 'B' }), population: POP, nowMs: NOW }, strict);
    expect(a.code).toBe('unfamiliar');
  });

  it('explains with features and contributions, never with keys or values', () => {
    const a = assess(USER, { ip: 'B', country: 'DE', device: 'D' });
    expect(a.details).toMatchObject({ new_features: ['ip'] });
    const d = a.details as { contributions: Record<string, number>; groups: { network: number; agent: number; device: number }; score: number };
    expect(Object.keys(d.contributions).sort()).toEqual(['country', 'device', 'ip']);
    expect(d.contributions.ip).toBeCloseTo(0.35 * Math.log(11 / 2), 3);
    expect(d.groups.network + d.groups.agent + d.groups.device).toBeCloseTo(d.score, 2);
    expect(JSON.stringify(a.details)).not.toMatch(/"B"|"D"/);
  });

  it('has a default confidence for every code', () => {
    for (const code of FAMILIARITY_CODES) expect(FAMILIARITY_CONFIDENCE[code]).toMatch(/^(high|medium|low|neutral)$/);
  });

  it('scores against an empty population too (a fresh deployment)', () => {
    const a = assessFamiliarity({ profile: USER, features: loginOf({ ip: 'A', country: 'DE' }), population: EMPTY_POPULATION, nowMs: NOW }, settings);
    // With no population the user's own count is read against minPopulation (1,000) logins:
    // country ln((9/1000) / (9/10)) = ln 0.01, floored at −ln(maxCreditRatio 20).
    expect(a.score!.features.find((f) => f.feature === 'country')!.llr).toBeCloseTo(-Math.log(20), 12);
    // With minPopulation 1 the user's own share stands in: ln((9/9) · (10/9)) > 0.
    const raw = assessFamiliarity({ profile: USER, features: loginOf({ ip: 'A', country: 'DE' }), population: EMPTY_POPULATION, nowMs: NOW }, { ...settings, minPopulation: 1 });
    expect(raw.score!.features.find((f) => f.feature === 'country')!.llr).toBeCloseTo(Math.log(10 / 9), 12);
  });
});
