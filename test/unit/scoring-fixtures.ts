import type { Assessment, AssessorName, Confidence } from '../../src/risk/assessors/types.js';

/**
 * Results with the given confidences and plausible codes; `code` overrides per assessor.
 * Familiarity is `initial_login` (neutral) unless `fam` says otherwise.
 */
export function results(
  nd: Confidence,
  it: Confidence,
  ui: Confidence,
  codes: Partial<Record<AssessorName, string>> = {},
  fam: Confidence = 'neutral',
): Record<AssessorName, Assessment> {
  const pick = (name: AssessorName, c: Confidence, byConfidence: Record<Confidence, string>) =>
    ({ confidence: c, code: codes[name] ?? byConfidence[c] }) as Assessment;
  return {
    NewDevice: pick('NewDevice', nd, { high: 'match', medium: 'partial_match', low: 'no_match', neutral: 'initial_login' }),
    ImpossibleTravel: pick('ImpossibleTravel', it, {
      high: 'travel_from_last_login',
      medium: 'substantial_travel_from_last_login',
      low: 'impossible_travel_from_last_login',
      neutral: 'initial_login',
    }),
    UntrustedIP: pick('UntrustedIP', ui, {
      high: 'not_found_on_deny_list',
      medium: 'found_on_deny_list',
      low: 'found_on_deny_list',
      neutral: 'not_found_on_deny_list',
    }),
    Familiarity: pick('Familiarity', fam, { high: 'familiar', medium: 'partly_familiar', low: 'unfamiliar', neutral: 'initial_login' }),
  };
}
