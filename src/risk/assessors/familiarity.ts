import { assessFamiliarity } from '../familiarity/assess-familiarity.js';
import type { Assessment, Assessor, AssessorInput } from './types.js';

/**
 * Familiarity (docs/risk-model.md): has this user logged in like this before — from this
 * address, network, operator, city and country, with this browser, on this device? A
 * Freeman-style log-likelihood ratio of the login under the population against under the user,
 * in nats; the score and each feature's part are in the details.
 */
export const familiarity = {
  name: 'Familiarity',
  assess({ login, history, population, settings, nowMs }: AssessorInput): Assessment<'Familiarity'> {
    const a = assessFamiliarity(
      { profile: history?.profile ?? null, features: login.features, population, nowMs },
      settings.familiarity,
    );
    return a.details === undefined ? { confidence: a.confidence, code: a.code } : { confidence: a.confidence, code: a.code, details: a.details };
  },
} as const satisfies Assessor<'Familiarity'>;
