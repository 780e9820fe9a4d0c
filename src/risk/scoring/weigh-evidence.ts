import { ASSESSOR_NAMES, type Assessment, type AssessorName, type Confidence } from '../assessors/types.js';
import type { CombinerConfig } from '../../config.js';
import type { Combined } from './combiner.js';

/** What the `evidence` combiner added up: each signal's nats and their sum. */
export interface Evidence {
  /** Σ terms, nats: > 0 the login looks more like an attacker's than like the user's. */
  nats: number;
  /** Signal name → nats, in the order they were weighed; only signals that spoke are listed. */
  terms: Record<string, number>;
}

type EvidenceConfig = CombinerConfig['evidence'];

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** UntrustedIP list categories the anonymizer term stands for (counted once, there). */
const ANONYMIZER = 'anonymizer';
const DATACENTER = 'datacenter';

/**
 * ImpossibleTravel's codes that judge a journey. The others say it could not judge one (no
 * GeoIP record, no earlier location, an anonymizer's exit): no evidence either way here.
 */
const TRAVEL_VERDICTS: ReadonlySet<string> = new Set([
  'minimal_travel_from_last_login',
  'travel_from_last_login',
  'substantial_travel_from_last_login',
  'impossible_travel_from_last_login',
  'invalid_travel',
]);

function categories(a: Assessment): string[] {
  const matches = a.details?.matches;
  if (!Array.isArray(matches)) return typeof a.details?.category === 'string' ? [a.details.category] : [];
  return matches.map((m: unknown) => String((m as { category?: unknown } | null)?.category));
}

/** Whether this login presented a device cookie the user is known by (NewDevice's own comparison). */
function knownDevice(results: Record<AssessorName, Assessment>): boolean {
  return results.NewDevice.details?.device === 'known';
}

/**
 * The `evidence` combiner (docs/risk-model.md "Combining"): every signal is a log-likelihood
 * ratio of attacker against user, in nats, and they add up.
 *
 * - **Familiarity** brings its score (negative: the login looks like the user). Without a
 *   familiar history (`initial_login`, `no_recent_history`) it brings `coldStartNats` instead.
 * - **ImpossibleTravel** `low` adds `travel.lowNats`, `medium` adds `travel.mediumNats`, for
 *   codes that judge a journey; an anonymizer's exit or a missing GeoIP record adds nothing.
 * - **UntrustedIP** `low` adds `untrustedIp.lowNats` unless every match is an anonymizer list
 *   (counted below), `medium` (datacenter only) `untrustedIp.mediumNats`.
 * - **An anonymizer** (ImpossibleTravel `anonymous_proxy`, or an `anonymizer` list match) adds
 *   `anonymizerNats` once, and nothing when the device cookie is known: a user's own laptop on
 *   a VPN is not a risk by itself; no device over a VPN is.
 * - **A known device cookie from a country new to the user** (not through an anonymizer) adds
 *   `knownDeviceNewCountryNats`: the stolen-cookie pattern, which Familiarity's sum cannot see
 *   because the cookie and user agent are the user's. For such a login, and for a known cookie
 *   after an impossible journey, Familiarity counts with its network group only: a thief
 *   replays the cookie and its user agent together.
 * - **An unknown device on a new network** (a device cookie, or its absence, new to the user,
 *   from a subnet, AS or country new to the user) adds `unknownDeviceNewNetworkNats`: every
 *   attacker without the victim's device and network, however well they copy the browser.
 *
 * NewDevice adds nothing of its own: its device and user agent are in Familiarity's groups.
 * The sum is banded: `low` at or above `bands.lowNats`, `medium` at or above `bands.mediumNats`,
 * else `high`; `neutral` when no signal spoke. `score` = 1 / (1 + e^−(nats − lowNats)), 3
 * decimals, so 0.5 is where challenges start. An `assessment_not_available` forces `low` with a
 * score of at least 0.5 (fail closed), or with `failOpen` adds nothing. Pure.
 */
export function weighEvidence(results: Record<AssessorName, Assessment>, cfg: EvidenceConfig, failOpen: boolean): Combined {
  const terms: Record<string, number> = {};
  const add = (name: string, nats: number) => {
    if (nats !== 0) terms[name] = (terms[name] ?? 0) + nats;
  };
  const unavailable = ASSESSOR_NAMES.some((n) => results[n].code === 'assessment_not_available');
  const device = knownDevice(results);

  const fam = results.Familiarity;
  const familiarityScore = fam.details?.score;
  if (typeof familiarityScore === 'number') add('familiarity', familiarityScore);
  else if (fam.code === 'initial_login' || fam.code === 'no_recent_history') add(fam.code, cfg.coldStartNats);
  const spoke = typeof familiarityScore === 'number';

  const travel = results.ImpossibleTravel;
  const ip = results.UntrustedIP;
  const listed = ip.code === 'found_on_deny_list' ? categories(ip) : [];
  const anonymizer = travel.code === 'anonymous_proxy' || listed.includes(ANONYMIZER);
  if (anonymizer && !device) add('anonymizer', cfg.anonymizerNats);

  if (TRAVEL_VERDICTS.has(travel.code)) {
    if (travel.confidence === 'low') add(travel.code, cfg.travel.lowNats);
    else if (travel.confidence === 'medium') add(travel.code, cfg.travel.mediumNats);
  }
  if (ip.code !== 'assessment_not_available' && (ip.confidence === 'low' || ip.confidence === 'medium')) {
    // A match of another kind than anonymizer or datacenter (abuse, reputation, unroutable,
    // traffic), or a low with no list at all (an unusable address).
    const severe = listed.length === 0 || listed.some((c) => c !== ANONYMIZER && c !== DATACENTER);
    if (ip.confidence === 'low' && severe) add(ip.code, cfg.untrustedIp.lowNats);
    else if (ip.confidence === 'medium' || listed.includes(DATACENTER)) add(ip.code, cfg.untrustedIp.mediumNats);
  }

  const fresh = new Set(Array.isArray(fam.details?.new_features) ? (fam.details.new_features as string[]) : []);
  const groups = fam.details?.groups as { network?: number } | undefined;
  const newCountry = device && !anonymizer && fresh.has('country');
  if (newCountry) add('known_device_new_country', cfg.knownDeviceNewCountryNats);
  // The user's own cookie where the user cannot be (a new country, or an impossible journey to a
  // place not familiar): a cookie thief replays the cookie with the user agent it came with, so
  // for this login they are no evidence of the user, and only the network's familiarity counts.
  const displaced = newCountry || (device && travel.code === 'impossible_travel_from_last_login' && travel.confidence === 'low');
  if (displaced && spoke && typeof groups?.network === 'number') terms.familiarity = groups.network;
  if (fresh.has('device') && (fresh.has('subnet') || fresh.has('asn') || fresh.has('country'))) {
    add('unknown_device_new_network', cfg.unknownDeviceNewNetworkNats);
  }

  const nats = round3(Object.values(terms).reduce((a, b) => a + b, 0));
  const evidence: Evidence = { nats, terms: Object.fromEntries(Object.entries(terms).map(([k, v]) => [k, round3(v)])) };
  const reasons = Object.entries(terms)
    .filter(([, v]) => v > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([k]) => k);
  const score = round3(1 / (1 + Math.exp(-(nats - cfg.bands.lowNats))));

  if (unavailable && !failOpen) {
    return { confidence: 'low', score: Math.max(score, 0.5), evidence, reasons: ['assessment_not_available', ...reasons] };
  }
  if (!spoke && Object.keys(terms).length === 0) return { confidence: 'neutral', score, evidence, reasons };
  return { confidence: band(nats, cfg.bands), score, evidence, reasons };
}

function band(nats: number, bands: EvidenceConfig['bands']): Confidence {
  if (nats >= bands.lowNats) return 'low';
  if (nats >= bands.mediumNats) return 'medium';
  return 'high';
}
