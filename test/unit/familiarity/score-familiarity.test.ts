import { describe, expect, it } from 'vitest';
import type { Feature } from '../../../src/risk/familiarity/features.js';
import { EMPTY_POPULATION, populationFromCounts } from '../../../src/risk/familiarity/population.js';
import { scoreFamiliarity, unseenEstimate, type FamiliarityScore } from '../../../src/risk/familiarity/score-familiarity.js';
import { loginOf, MODEL, profileOf, WEIGHTS } from './fixtures.js';

/**
 * The hand-computed case. A user with 4 logins: IP A three times, IP B once, all from one /24
 * S, AS 3320, Berlin, DE. The population: 1,000 logins, 100 of them from AS 3320, 300 from DE.
 */
const USER = profileOf(4, {
  ip: { A: 3, B: 1 },
  subnet: { S: 4 },
  asn: { '3320': 4 },
  city: { 'DE/Berlin': 4 },
  country: { DE: 4 },
});
const POP = populationFromCounts(
  1000,
  new Map<Feature, Map<string, number>>([
    ['asn', new Map([['3320', 100], ['3209', 50]])],
    ['country', new Map([['DE', 300], ['FR', 100]])],
  ]),
);
const HOME = { ip: 'A', subnet: 'S', asn: '3320', city: 'DE/Berlin', country: 'DE' } as const;

const byFeature = (s: FamiliarityScore, f: Feature) => s.features.find((x) => x.feature === f)!;

describe('scoreFamiliarity: the arithmetic against hand-computed cases (reference smoothing)', () => {
  const s = scoreFamiliarity(USER, loginOf(HOME), POP, MODEL);

  it('estimates the unseen count U as 1 + the distinct values at the coarser levels', () => {
    // ip: 1 + subnet 1 + asn 1 + city 1 + country 1 = 5; subnet 4; asn 3; city 2; country 1.
    expect(['ip', 'subnet', 'asn', 'city', 'country'].map((f) => unseenEstimate(USER, f as Feature, 'reference'))).toEqual([5, 4, 3, 2, 1]);
  });

  it('scores a known IP against its AS population share (backed off), not its own', () => {
    // p_user = c / (n + U) = 3 / (4 + 5) = 1/3. The IP is not counted in the population; its AS
    // is: p_pop = max(C, c_asn) / max(N, n_asn) = max(100, 4) / max(1000, 4) = 0.1.
    // llr = ln 0.1 − ln(1/3) = ln 0.3 ≈ −1.2040.
    const ip = byFeature(s, 'ip');
    expect(ip).toMatchObject({ status: 'known', count: 3, total: 4, unseen: 5 });
    expect(ip.pUser).toBeCloseTo(1 / 3, 12);
    expect(ip.pPopulation).toBeCloseTo(0.1, 12);
    expect(ip.llr).toBeCloseTo(Math.log(0.3), 12);
    expect(ip.llr).toBeCloseTo(-1.204, 3);
  });

  it('scores each coarser level the same way', () => {
    // subnet: p_user = 4/(4+4) = 0.5, p_pop = 0.1 (AS)      → ln 0.2   ≈ −1.6094
    // asn:    p_user = 4/(4+3) = 4/7, p_pop = 0.1           → ln 0.175 ≈ −1.7430
    // city:   p_user = 4/(4+2) = 2/3, p_pop = 0.3 (country) → ln 0.45  ≈ −0.7985
    // country: p_user = 4/(4+1) = 0.8, p_pop = 0.3          → ln 0.375 ≈ −0.9808
    expect(byFeature(s, 'subnet').llr).toBeCloseTo(Math.log(0.2), 12);
    expect(byFeature(s, 'asn').llr).toBeCloseTo(Math.log(0.175), 12);
    expect(byFeature(s, 'city').llr).toBeCloseTo(Math.log(0.45), 12);
    expect(byFeature(s, 'country').llr).toBeCloseTo(Math.log(0.375), 12);
  });

  it('weights and sums: the network group and the score', () => {
    // 0.35 ln 0.3 + 0.25 ln 0.2 + 0.3 ln 0.175 + 0.05 ln 0.45 + 0.05 ln 0.375
    //   = −0.42139 − 0.40236 − 0.52290 − 0.03993 − 0.04904 ≈ −1.43562
    const expected = 0.35 * Math.log(0.3) + 0.25 * Math.log(0.2) + 0.3 * Math.log(0.175) + 0.05 * Math.log(0.45) + 0.05 * Math.log(0.375);
    expect(s.groups.network).toBeCloseTo(expected, 12);
    expect(s.groups.network).toBeCloseTo(-1.4356, 4);
    // No user agent and no cookie in the login: those groups add nothing.
    expect(s.groups.agent).toBe(0);
    expect(s.groups.device).toBe(0);
    expect(s.score).toBeCloseTo(expected, 12);
  });

  it('uses Witten–Bell when configured: U = the distinct values at the level itself', () => {
    const wb = scoreFamiliarity(USER, loginOf(HOME), POP, { ...MODEL, smoothing: 'witten-bell' });
    // ip: U = 2 (A, B): p_user = 3/(4+2) = 0.5 → ln(0.1/0.5) = ln 0.2.
    expect(byFeature(wb, 'ip').unseen).toBe(2);
    expect(byFeature(wb, 'ip').llr).toBeCloseTo(Math.log(0.2), 12);
    // country: U = 1: p_user = 4/5 → ln(0.3/0.8), as with the reference estimate.
    expect(byFeature(wb, 'country').llr).toBeCloseTo(Math.log(0.375), 12);
  });
});

describe('scoreFamiliarity: smoothing of values the user never showed', () => {
  it('gives a new value ln((n + U) / U), whatever the population says of it', () => {
    // New IP C: n = 4, U = 5 → ln(9/5) = ln 1.8 ≈ 0.5878; p_user = U/(n+U) = 5/9.
    const login = loginOf({ ...HOME, ip: 'C' });
    for (const pop of [POP, EMPTY_POPULATION]) {
      const ip = byFeature(scoreFamiliarity(USER, login, pop, MODEL), 'ip');
      expect(ip).toMatchObject({ status: 'new', count: 0, unseen: 5, pPopulation: null });
      expect(ip.pUser).toBeCloseTo(5 / 9, 12);
      expect(ip.llr).toBeCloseTo(Math.log(1.8), 12);
    }
    // A new country: U = 1 → ln(5/1) ≈ 1.6094, the same for a common and a never-counted country.
    for (const country of ['FR', 'ZZ']) {
      const c = byFeature(scoreFamiliarity(USER, loginOf({ ...HOME, country }), POP, MODEL), 'country');
      expect(c.llr).toBeCloseTo(Math.log(5), 12);
    }
  });

  it('makes a new value weigh more the longer the user’s history', () => {
    const at = (n: number) => byFeature(scoreFamiliarity(profileOf(n, { country: { DE: n } }), loginOf({ country: 'FR' }), POP, MODEL), 'country').llr;
    // ln(n + 1): 1 → ln 2, 9 → ln 10, 99 → ln 100.
    expect(at(1)).toBeCloseTo(Math.log(2), 12);
    expect(at(9)).toBeCloseTo(Math.log(10), 12);
    expect(at(99)).toBeCloseTo(Math.log(100), 12);
  });

  it('makes a new value weigh less for a user who already moves around', () => {
    // Same n = 4, but four countries: U for a new IP = 1 + 1 + 1 + 1 + 4 = 8 → ln(12/8).
    const roaming = profileOf(4, { ip: { A: 4 }, subnet: { S: 4 }, asn: { '3320': 4 }, city: { 'DE/Berlin': 4 }, country: { DE: 1, FR: 1, US: 1, GB: 1 } });
    const ip = byFeature(scoreFamiliarity(roaming, loginOf({ ...HOME, ip: 'C' }), POP, MODEL), 'ip');
    expect(ip.llr).toBeCloseTo(Math.log(12 / 8), 12);
    expect(ip.llr).toBeLessThan(Math.log(1.8));
  });

  it('scores nothing for a feature the login lacks or the user never had', () => {
    const s = scoreFamiliarity(USER, loginOf({ ...HOME, ua: 'some-ua-key' }), POP, MODEL);
    expect(byFeature(s, 'ua')).toMatchObject({ status: 'no_history', llr: 0, contribution: 0 });
    expect(byFeature(s, 'device')).toMatchObject({ status: 'missing', llr: 0, contribution: 0 });
  });
});

describe('scoreFamiliarity: back-off along the hierarchy', () => {
  const score = (keys: Parameters<typeof loginOf>[0]) => scoreFamiliarity(USER, loginOf(keys), POP, MODEL).score;

  it('orders known IP < new IP in a known subnet < new subnet in a known AS < new AS in a known country < new country', () => {
    const knownIp = score(HOME);
    const newIp = score({ ...HOME, ip: 'C' });
    const newSubnet = score({ ...HOME, ip: 'C', subnet: 'T' });
    const newAsn = score({ ...HOME, ip: 'C', subnet: 'T', asn: '3209' });
    const newCity = score({ ...HOME, ip: 'C', subnet: 'T', asn: '3209', city: 'DE/Munich' });
    const newCountry = score({ ip: 'C', subnet: 'T', asn: '3209', city: 'FR/Paris', country: 'FR' });
    expect([knownIp, newIp, newSubnet, newAsn, newCity, newCountry]).toEqual([...[knownIp, newIp, newSubnet, newAsn, newCity, newCountry]].sort((a, b) => a - b));
    expect(new Set([knownIp, newIp, newSubnet, newAsn, newCity, newCountry]).size).toBe(6);
    // The step from a known to a new IP is exactly the IP's weight times the change in its ratio.
    expect(newIp - knownIp).toBeCloseTo(WEIGHTS.ip * (Math.log(1.8) - Math.log(0.3)), 12);
  });

  it('credits a known value less when it is common in the population', () => {
    const common = populationFromCounts(1000, new Map([['asn', new Map([['3320', 900]])]]));
    const rare = populationFromCounts(1000, new Map([['asn', new Map([['3320', 40]])]]));
    const asn = (p: typeof POP) => byFeature(scoreFamiliarity(USER, loginOf(HOME), p, MODEL), 'asn').llr;
    // ln(0.9 · 7/4) ≈ 0.4543 vs ln(0.04 · 7/4) ≈ −2.6593 (above the floor −ln 20 ≈ −2.9957)
    expect(asn(common)).toBeCloseTo(Math.log(0.9 * 1.75), 12);
    expect(asn(rare)).toBeCloseTo(Math.log(0.04 * 1.75), 12);
    // Rarer still, the floor holds: 5 of 1,000 would give ln(0.00875) ≈ −4.74.
    const rarer = populationFromCounts(1000, new Map([['asn', new Map([['3320', 5]])]]));
    expect(asn(rarer)).toBeCloseTo(-Math.log(20), 12);
  });

  it('bounds the population by the user’s own counts when the population lags behind', () => {
    // The population has not counted AS 3320 yet (C = 0, N = 2): max(C, 4) / max(N, 4) = 1 → ln(1 · 7/4).
    const lagging = populationFromCounts(2, new Map());
    expect(byFeature(scoreFamiliarity(USER, loginOf(HOME), lagging, MODEL), 'asn').llr).toBeCloseTo(Math.log(7 / 4), 12);
  });

  it('reads population shares against at least minPopulation logins: a young population does not make the user common', () => {
    // Population of 2 logins, none counted for AS 3320; with minPopulation 1,000:
    // p_pop = max(0, 4) / max(2, 4, 1000) = 0.004, p_user = 4 / (4 + 3) → ln(0.004 · 7/4) ≈ −4.962, floored at −ln 20.
    const young = populationFromCounts(2, new Map());
    const asn = byFeature(scoreFamiliarity(USER, loginOf(HOME), young, { ...MODEL, minPopulation: 1000 }), 'asn');
    expect(asn.pPopulation).toBeCloseTo(0.004, 12);
    expect(asn.llr).toBeCloseTo(-Math.log(20), 12);
  });

  it('floors one feature’s credit at −ln(maxCreditRatio): a known device cookie', () => {
    // The cookie is counted by no population; its share is the user's own: 3 / 1e6.
    // Unfloored: ln(3e-6) − ln(3/(3+1)) ≈ −12.43; floored at −ln 20 ≈ −2.9957.
    const user = profileOf(3, { device: { D: 3 } });
    const big = populationFromCounts(1_000_000, new Map());
    const d = byFeature(scoreFamiliarity(user, loginOf({ device: 'D' }), big, MODEL), 'device');
    expect(d.pPopulation).toBeCloseTo(3e-6, 15);
    expect(d.llr).toBeCloseTo(-Math.log(20), 12);
    const unfloored = byFeature(scoreFamiliarity(user, loginOf({ device: 'D' }), big, { ...MODEL, maxCreditRatio: 1e9 }), 'device');
    expect(unfloored.llr).toBeCloseTo(Math.log(3e-6) - Math.log(0.75), 12);
  });
});

describe('scoreFamiliarity: determinism', () => {
  it('gives the same answer for the same inputs, and does not change them', () => {
    const login = loginOf({ ...HOME, ip: 'C', ua: 'u', device: 'D' });
    const before = JSON.stringify([...USER.values.ip]);
    const a = scoreFamiliarity(USER, login, POP, MODEL);
    const b = scoreFamiliarity(USER, login, POP, MODEL);
    expect(b).toEqual(a);
    expect(JSON.stringify([...USER.values.ip])).toBe(before);
  });
});
