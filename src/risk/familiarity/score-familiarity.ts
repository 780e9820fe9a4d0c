import { COARSER_AT, FEATURES, GROUP_AT, type Feature, type FeatureGroup, type FeatureValue, type LoginFeatures } from './features.js';
import type { PopulationStats } from './population.js';
import { countsTotal, findValue, type FamiliarityProfile, type FeatureValues } from './profile.js';

/**
 * How the number of values a user has not shown yet is estimated (`docs/risk-model.md` §4.2):
 * `reference` as the das-group rba-algorithm does (1 + the user's distinct values at the coarser
 * levels of the hierarchy), `witten-bell` from the user's distinct values at the level itself.
 */
export type Smoothing = 'reference' | 'witten-bell';

/** The model's tunables (`familiarity` in config). */
export interface FamiliarityModel {
  /** Weight of each feature's log-likelihood ratio; within a group they sum to 1 by default. */
  weights: Readonly<Record<Feature, number>>;
  smoothing: Smoothing;
  /**
   * The most one feature may speak for the user, as a likelihood ratio: a feature's ratio is
   * floored at −ln(maxCreditRatio), so one replayed value (a stolen cookie, a copied user agent)
   * cannot outweigh everything else.
   */
  maxCreditRatio: number;
  /**
   * Population shares are read against at least this many logins: a fresh deployment's first
   * logins, all of a few users, would otherwise make every value look common.
   */
  minPopulation: number;
}

/** How a feature of the login relates to the profile. */
export type FeatureStatus = 'known' | 'new' | 'missing' | 'no_history';

/** One feature's part of the score. */
export interface FeatureScore {
  feature: Feature;
  group: FeatureGroup;
  /** `known`: the user showed this value; `new`: not; `missing`: the login has no value; `no_history`: the user never had one. */
  status: FeatureStatus;
  /** The user's logins with this value, and with any value of this feature. */
  count: number;
  total: number;
  /** U, the estimated number of values the user has not shown yet (0 when not scored). */
  unseen: number;
  /** Known: c / (n + U). New: U / (n + U), the chance the user shows some new value. */
  pUser: number | null;
  /** Known: the population probability of the value (backed off when not counted). New: not needed, null. */
  pPopulation: number | null;
  /** ln p(x) − ln p(x | u), after the credit floor; 0 when not scored. Nats. */
  llr: number;
  weight: number;
  /** weight × llr. */
  contribution: number;
}

/** The Freeman-style score of one login against one profile. */
export interface FamiliarityScore {
  /** Σ contributions, nats: > 0 the login looks more like the population than like the user. */
  score: number;
  /** Σ contributions per group. */
  groups: Record<FeatureGroup, number>;
  /** Every feature, in `FEATURES` order. */
  features: FeatureScore[];
}

/** U for feature `f`, at least 1 (see {@link Smoothing}). */
export function unseenEstimate(profile: FamiliarityProfile, f: Feature, smoothing: Smoothing): number {
  return unseenAt(valuesOf(profile), FEATURES.indexOf(f), smoothing);
}

/** A profile's values per feature, by position in `FEATURES`. */
type ValuesAt = readonly FeatureValues[];

const valuesOf = (profile: FamiliarityProfile): ValuesAt => FEATURES.map((f) => profile.values[f]);

function unseenAt(values: ValuesAt, i: number, smoothing: Smoothing): number {
  if (smoothing === 'witten-bell') return Math.max(1, values[i]!.length);
  let u = 1;
  for (const k of COARSER_AT[i]!) u += values[k]!.length;
  return u;
}

/**
 * The population probability of a value the user has shown. For a counted feature,
 * max(C, c) / max(N, n, minPopulation): the population includes the user, so their own counts
 * bound it from below (population counts lag behind the profile). For a feature not counted, the nearest
 * coarser counted level of the login stands in: an upper bound, since an IP is at most as
 * common as its AS, so backing off never credits the user more than the data supports. With no
 * counted level at all (the device cookie, whose keyed hash no other user can present), the
 * user's own share c / max(N, n). Features are read by position in `FEATURES`: the login's
 * values, the profile's, and `totals`, n per feature.
 */
function populationProbability(
  i: number,
  login: readonly (FeatureValue | null)[],
  values: ValuesAt,
  totals: readonly number[],
  population: PopulationStats,
  c: number,
  minPopulation: number,
): number {
  const N = Math.max(population.total, minPopulation);
  const levels = COARSER_AT[i]!;
  for (let l = -1; l < levels.length; l++) {
    const k = l < 0 ? i : levels[l]!;
    const fv = login[k]!;
    if (fv === null || fv.population === null) continue;
    const C = population.count(FEATURES[k]!, fv.population);
    if (C === null) continue;
    const ck = findValue(values[k]!, fv.key)?.count ?? 0;
    return Math.min(1, Math.max(C, ck, c) / Math.max(N, totals[k]!));
  }
  return Math.min(1, c / Math.max(N, totals[i]!));
}

/**
 * Score a login against a profile (`docs/risk-model.md` §4): for each feature the login has,
 * the log-likelihood ratio of its value under the population (the attacker model of Freeman et
 * al., NDSS 2016) against under this user, weighted, summed.
 *
 * Under the user, a value shown c times of n has p = c / (n + U), and the mass U / (n + U) left
 * for values not shown yet is spread like the population; so for a new value the population
 * term cancels and the ratio is ln((n + U) / U), growing with the user's history. A known value
 * gets ln p_pop − ln(c / (n + U)): negative, the more so the rarer the value is in the
 * population. Each ratio is floored at −ln(`maxCreditRatio`). Pure and deterministic.
 */
export function scoreFamiliarity(
  profile: FamiliarityProfile,
  features: LoginFeatures,
  population: PopulationStats,
  model: FamiliarityModel,
): FamiliarityScore {
  const floor = -Math.log(model.maxCreditRatio);
  const groups: Record<FeatureGroup, number> = { network: 0, agent: 0, device: 0 };
  const scored: FeatureScore[] = [];
  let score = 0;
  // The login's and the profile's values by position, read once; each feature's n summed once
  // (the backed-off population shares read coarser levels' too).
  const login = FEATURES.map((f) => features[f]);
  const values = valuesOf(profile);
  const totals = values.map(countsTotal);
  for (let i = 0; i < FEATURES.length; i++) {
    const feature = FEATURES[i]!;
    const group = GROUP_AT[i]!;
    const weight = model.weights[feature];
    const fv = login[i]!;
    const total = totals[i]!;
    // One object shape for every entry, so the loop stays monomorphic.
    let status: FeatureStatus;
    let count = 0;
    let unseen = 0;
    let pUser: number | null = null;
    let pPopulation: number | null = null;
    let llr = 0;
    if (fv === null) {
      status = 'missing';
    } else if (total === 0) {
      status = 'no_history';
    } else {
      count = findValue(values[i]!, fv.key)?.count ?? 0;
      unseen = unseenAt(values, i, model.smoothing);
      if (count > 0) {
        status = 'known';
        pUser = count / (total + unseen);
        pPopulation = populationProbability(i, login, values, totals, population, count, model.minPopulation);
        llr = Math.max(floor, Math.log(pPopulation) - Math.log(pUser));
      } else {
        status = 'new';
        pUser = unseen / (total + unseen);
        llr = Math.log(total + unseen) - Math.log(unseen);
      }
    }
    const contribution = weight * llr;
    groups[group] += contribution;
    score += contribution;
    scored.push({ feature, group, status, count, total, unseen, pUser, pPopulation, llr, weight, contribution });
  }
  return { score, groups, features: scored };
}
