import { describe, expect, it } from 'vitest';
import type { Assessment, AssessorName } from '../../src/risk/assessors/types.js';
import { loadConfig } from '../../src/config.js';
import { weighEvidence } from '../../src/risk/scoring/weigh-evidence.js';

/** The `evidence` combiner (docs/risk-model.md "Combining"), with the defaults of src/config.ts. */
const cfg = loadConfig({}).combiner.evidence;

type Results = Record<AssessorName, Assessment>;

/** A returning user on their own laptop at home: everything as usual. */
function usual(familiarityScore = -4): Results {
  return {
    NewDevice: { confidence: 'high', code: 'match', details: { device: 'known', useragent: 'known' } },
    ImpossibleTravel: { confidence: 'high', code: 'minimal_travel_from_last_login', details: {} },
    UntrustedIP: { confidence: 'high', code: 'not_found_on_deny_list' },
    Familiarity: { confidence: 'high', code: 'familiar', details: { score: familiarityScore, new_features: [] } },
  };
}

const fam = (score: number, newFeatures: string[] = [], network = score): Assessment => ({
  confidence: score >= 1 ? 'low' : score > 0 ? 'medium' : 'high',
  code: score >= 1 ? 'unfamiliar' : score > 0 ? 'partly_familiar' : 'familiar',
  details: { score, groups: { network, agent: 0, device: 0 }, new_features: newFeatures },
});

describe('weighEvidence', () => {
  it('a familiar login is high, its score the logistic of (nats − lowNats)', () => {
    const c = weighEvidence(usual(-4), cfg, false);
    expect(c.confidence).toBe('high');
    expect(c.evidence).toEqual({ nats: -4, terms: { familiarity: -4 } });
    expect(c.score).toBeCloseTo(1 / (1 + Math.exp(5)), 3);
    expect(c.reasons).toEqual([]);
  });

  it('bands: low at lowNats and above, medium from mediumNats, high below', () => {
    expect(weighEvidence({ ...usual(), Familiarity: fam(1) }, cfg, false).confidence).toBe('low');
    expect(weighEvidence({ ...usual(), Familiarity: fam(0.999) }, cfg, false).confidence).toBe('medium');
    expect(weighEvidence({ ...usual(), Familiarity: fam(0) }, cfg, false).confidence).toBe('medium');
    expect(weighEvidence({ ...usual(), Familiarity: fam(-0.001) }, cfg, false).confidence).toBe('high');
    expect(weighEvidence({ ...usual(), Familiarity: fam(1) }, cfg, false).score).toBe(0.5);
  });

  it('stolen cookie from abroad: familiar cookie and agent, yet impossible travel and a new country make it low', () => {
    const r: Results = {
      ...usual(),
      ImpossibleTravel: { confidence: 'low', code: 'impossible_travel_from_last_login', details: { familiar_place: false } },
      Familiarity: fam(-2.43, ['ip', 'subnet', 'asn', 'city', 'country'], 1.24),
    };
    const c = weighEvidence(r, cfg, false);
    // The replayed cookie and user agent are no evidence for this login: Familiarity counts its network group only.
    expect(c.evidence?.terms).toEqual({ familiarity: 1.24, impossible_travel_from_last_login: 4, known_device_new_country: 4 });
    expect(c.confidence).toBe('low');
    expect(c.reasons).toEqual(['impossible_travel_from_last_login', 'known_device_new_country', 'familiarity']);
  });

  it('stolen cookie used abroad at a plausible flight time is still low: the new country counts on its own', () => {
    const r: Results = {
      ...usual(),
      ImpossibleTravel: { confidence: 'medium', code: 'substantial_travel_from_last_login', details: { familiar_place: false } },
      Familiarity: fam(-4.6, ['ip', 'subnet', 'asn', 'city', 'country'], 0.6),
    };
    expect(weighEvidence(r, cfg, false)).toMatchObject({ confidence: 'low', evidence: { nats: 5.1 } });
  });

  it('stolen cookie used minutes later in a country the victim visited before: the impossible journey discounts the cookie too', () => {
    const r: Results = {
      ...usual(),
      ImpossibleTravel: { confidence: 'low', code: 'impossible_travel_from_last_login', details: { familiar_place: false } },
      Familiarity: fam(-4.5, ['ip', 'subnet', 'asn', 'city'], 0.4),
    };
    expect(weighEvidence(r, cfg, false)).toMatchObject({ confidence: 'low', evidence: { terms: { familiarity: 0.4, impossible_travel_from_last_login: 4 } } });
  });

  it('targeted login from the victim\'s city on another network, no cookie, the victim\'s browser: low by the unknown device on a new network', () => {
    const r: Results = {
      ...usual(),
      NewDevice: { confidence: 'medium', code: 'partial_match', details: { device: 'not_provided', useragent: 'known' } },
      // Familiar overall (same AS and city, the exact user agent): the sum alone would allow it.
      Familiarity: fam(-1.6, ['ip', 'subnet', 'device'], -0.1),
    };
    const c = weighEvidence(r, cfg, false);
    expect(c.evidence?.terms).toEqual({ familiarity: -1.6, unknown_device_new_network: cfg.unknownDeviceNewNetworkNats });
    expect(c.confidence).toBe('low');
  });

  it('a new device at home (known subnet) is not the unknown-device-on-a-new-network signal', () => {
    const r: Results = { ...usual(), Familiarity: fam(0.5, ['ip', 'device', 'ua', 'browser']) };
    expect(weighEvidence(r, cfg, false).evidence?.terms).toEqual({ familiarity: 0.5 });
  });

  it('a known device over a VPN is not a risk by itself; no device over a VPN is, counted once', () => {
    const vpn: Assessment = { confidence: 'low', code: 'found_on_deny_list', details: { matches: [{ category: 'anonymizer' }] } };
    const proxy: Assessment = { confidence: 'low', code: 'anonymous_proxy', details: {} };
    const known = weighEvidence({ ...usual(-2), UntrustedIP: vpn, ImpossibleTravel: proxy, Familiarity: fam(-2, ['country']) }, cfg, false);
    // No anonymizer term, no travel term, and no new-country term: a VPN exit is not where the user is.
    expect(known.evidence?.terms).toEqual({ familiarity: -2 });
    expect(known.confidence).toBe('high');
    const none = weighEvidence(
      { ...usual(), NewDevice: { confidence: 'low', code: 'no_match', details: { device: 'not_provided' } }, UntrustedIP: vpn, ImpossibleTravel: proxy, Familiarity: fam(0.5) },
      cfg,
      false,
    );
    expect(none.evidence?.terms).toEqual({ familiarity: 0.5, anonymizer: cfg.anonymizerNats });
    expect(none.confidence).toBe('low');
  });

  it('an abusive IP reaches low on its own, unless familiarity outweighs it', () => {
    const abuse: Assessment = { confidence: 'low', code: 'found_on_deny_list', details: { matches: [{ category: 'abuse' }] } };
    expect(weighEvidence({ ...usual(0), UntrustedIP: abuse, Familiarity: fam(0) }, cfg, false).confidence).toBe('low');
    expect(weighEvidence({ ...usual(-3.5), UntrustedIP: abuse }, cfg, false).confidence).toBe('medium');
  });

  it('a datacenter counts medium nats, also beside an anonymizer match', () => {
    const dc: Assessment = { confidence: 'medium', code: 'found_on_deny_list', details: { matches: [{ category: 'datacenter' }] } };
    expect(weighEvidence({ ...usual(0), UntrustedIP: dc }, cfg, false).evidence?.terms.found_on_deny_list).toBe(cfg.untrustedIp.mediumNats);
    const both: Assessment = { confidence: 'low', code: 'found_on_deny_list', details: { matches: [{ category: 'anonymizer' }, { category: 'datacenter' }] } };
    expect(weighEvidence({ ...usual(0), UntrustedIP: both }, cfg, false).evidence?.terms).toEqual({ found_on_deny_list: cfg.untrustedIp.mediumNats });
  });

  it('cold start: no familiar history brings coldStartNats; at 0 nothing spoke and the answer is neutral', () => {
    const first: Results = { ...usual(), Familiarity: { confidence: 'neutral', code: 'initial_login' } };
    const c = weighEvidence(first, cfg, false);
    expect(c.evidence?.terms).toEqual({ initial_login: cfg.coldStartNats });
    expect(c.confidence).toBe('low');
    expect(weighEvidence(first, { ...cfg, coldStartNats: 0 }, false).confidence).toBe('neutral');
  });

  it('assessment_not_available anywhere is low (fail closed), score ≥ 0.5; with failOpen it adds nothing', () => {
    const r: Results = { ...usual(-4), Familiarity: { confidence: 'low', code: 'assessment_not_available' } };
    const closed = weighEvidence(r, cfg, false);
    expect(closed.confidence).toBe('low');
    expect(closed.score).toBeGreaterThanOrEqual(0.5);
    expect(closed.reasons?.[0]).toBe('assessment_not_available');
    const open = weighEvidence({ ...r, NewDevice: { confidence: 'high', code: 'match', details: { device: 'known' } } }, cfg, true);
    expect(open.confidence).toBe('neutral');
  });
});
