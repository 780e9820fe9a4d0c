import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { assessFamiliarity, type FamiliarityCode } from '../../../src/risk/familiarity/assess-familiarity.js';
import { commitLogin } from '../../../src/risk/familiarity/commit-login.js';
import { extractFeatures, type FamiliarityLogin } from '../../../src/risk/familiarity/extract-features.js';
import { createFeatureHasher } from '../../../src/risk/familiarity/feature-hasher.js';
import type { Feature } from '../../../src/risk/familiarity/features.js';
import { populationFromCounts } from '../../../src/risk/familiarity/population.js';
import { DAY_MS, EMPTY_PROFILE } from '../../../src/risk/familiarity/profile.js';

/**
 * The table of docs/risk-model.md §5: a user with 10 logins (7 from home, 3 from a phone), a
 * population of a million logins, default settings. Guards the codes the page promises.
 */
const settings = loadConfig({}).familiarity;
const hash = createFeatureHasher('s'.repeat(32), 'u-1');
const desktop = { browser: 'Chrome 125', os: 'Windows', deviceType: 'desktop' } as const;
const HOME: FamiliarityLogin = {
  ip: '93.184.1.10',
  family: 4,
  asn: 3320,
  country: 'DE',
  city: 'Berlin',
  userAgent: 'UA desktop',
  ua: desktop,
  deviceHash: 'cookie1cookie1cookie1x',
};
const PHONE: FamiliarityLogin = {
  ip: '80.187.5.5',
  family: 4,
  asn: 3209,
  country: 'DE',
  city: 'Berlin',
  userAgent: 'UA phone',
  ua: { browser: 'Mobile Safari 17', os: 'iOS', deviceType: 'mobile' },
  deviceHash: 'cookie2cookie2cookie2x',
};
const N = 1_000_000;
const POP = populationFromCounts(
  N,
  new Map<Feature, Map<string, number>>([
    ['asn', new Map([['3320', 0.08 * N], ['3209', 0.05 * N], ['24940', 0.01 * N], ['16276', 0.005 * N]])],
    ['country', new Map([['DE', 0.3 * N], ['FR', 0.1 * N]])],
    ['browser', new Map([['Chrome 125', 0.2 * N], ['Mobile Safari 17', 0.1 * N], ['Chrome 126', 0.15 * N]])],
    ['os', new Map([['Windows', 0.4 * N], ['iOS', 0.2 * N]])],
    ['deviceType', new Map([['desktop', 0.6 * N], ['mobile', 0.38 * N]])],
  ]),
);
const T0 = Date.UTC(2026, 0, 1);
let profile = EMPTY_PROFILE;
for (let i = 0; i < 10; i++) profile = commitLogin(profile, extractFeatures(i < 7 ? HOME : PHONE, hash), T0 + i * 3 * DAY_MS, settings).profile;
const NOW = T0 + 30 * DAY_MS;

const travel = { ip: '5.1.1.1', asn: 24940, city: 'Munich' };
const abroad = { ip: '2.2.2.2', asn: 16276, city: 'Paris', country: 'FR' };
const cases: [string, FamiliarityLogin, FamiliarityCode][] = [
  ['as usual from home', HOME, 'familiar'],
  ['new address in the home /24', { ...HOME, ip: '93.184.1.77' }, 'familiar'],
  ['new /24, same AS', { ...HOME, ip: '93.184.9.77' }, 'familiar'],
  ['browser update', { ...HOME, userAgent: 'UA desktop 126', ua: { ...desktop, browser: 'Chrome 126' } }, 'familiar'],
  ['hotel in another city, same country', { ...HOME, ...travel }, 'familiar'],
  ['no cookie sent', { ...HOME, deviceHash: null }, 'partly_familiar'],
  ['cookies cleared', { ...HOME, deviceHash: 'cookieXcookieXcookieXx' }, 'partly_familiar'],
  ['stolen cookie and UA, used abroad', { ...HOME, ...abroad }, 'familiar'],
  ['attacker in the same country, own browser, no cookie', { ...HOME, ...travel, userAgent: 'UA attacker', deviceHash: null }, 'unfamiliar'],
  [
    'attacker abroad, everything new',
    { ...abroad, family: 4, userAgent: 'UA attacker', ua: { ...desktop, browser: 'Chrome 126' }, deviceHash: 'cookieXcookieXcookieXx' },
    'unfamiliar',
  ],
  ['very targeted: same ISP and city, copied UA, no cookie', { ...HOME, ip: '93.184.200.1', deviceHash: null }, 'unfamiliar'],
];

describe('familiarity scenarios (docs/risk-model.md §5)', () => {
  it.each(cases)('%s → %s', (_name, login, code) => {
    expect(assessFamiliarity({ profile, features: extractFeatures(login, hash), population: POP, nowMs: NOW }, settings).code).toBe(code);
  });

  it('ranks every attacker above every legitimate variant but the cleared cookie', () => {
    const score = (login: FamiliarityLogin) => assessFamiliarity({ profile, features: extractFeatures(login, hash), population: POP, nowMs: NOW }, settings).score!.score;
    const legit = cases.slice(0, 6).map(([, l]) => score(l));
    const attackers = [cases[8]!, cases[9]!].map(([, l]) => score(l));
    expect(Math.min(...attackers)).toBeGreaterThan(Math.max(...legit));
  });
});
