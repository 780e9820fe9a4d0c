import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testFileConfig } from '../support/app.js';
import { BROWSERS, IP } from '../support/logins.js';
import { useMfaApp, type AssessInput } from '../support/mfa.js';

/**
 * The logins the first contract let through (docs/risk-model.md "Combining"), each replayed on
 * the default configuration against a user with a real history: three logins from London with
 * one Chrome and one cookie, the first of them through the default cold-start challenge.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const VPN_NETWORKS = ['185.220.101.0/24', '185.100.87.0/24'];
const VPN_IP = '185.220.101.7';
const OTHER_VPN_IP = '185.100.87.41';
const listDir = mkdtempSync(join(tmpdir(), 'vigil-escapes-'));
const vpnList = join(listDir, 'vpn.txt');
writeFileSync(vpnList, `${VPN_NETWORKS.join('\n')}\n`);

// The default model; only an anonymizer list is added, from a local file.
const file = testFileConfig({ combiner: {}, lists: [{ name: 'vpn', path: vpnList, category: 'anonymizer' }] });

describe('risk model: the escapes of the first contract', () => {
  const { mfa, clock } = useMfaApp({ file });

  /** A user with three committed logins from London on one Chrome and cookie. */
  async function londoner(user: string): Promise<AssessInput & { email: string }> {
    const home = { user_id: user, email: `${user}@example.com`, ip: IP.london, user_agent: BROWSERS.d1, device_id: `${user}-cookie` };
    const first = await mfa.challenged(home);
    expect(first.decision.reasons).toEqual(['initial_login']);
    expect((await mfa.verifyEmail(first.decision.mfa.mfa_token, home.email)).committed).toBe(true);
    for (let i = 0; i < 2; i++) {
      clock.advance(10 * MINUTE);
      expect((await mfa.assess(home)).decision.action).toBe('allow');
    }
    return home;
  }

  it('stolen cookie from abroad: the same cookie and browser from Tokyo a minute later is challenged', async () => {
    const home = await londoner('escape-stolen');
    clock.advance(MINUTE);
    const stolen = await mfa.challenged({ ...home, ip: IP.tokyo });
    expect(stolen.risk_assessment.assessments.NewDevice.code).toBe('match');
    expect(stolen.risk_assessment.confidence).toBe('low');
    expect(stolen.decision.reasons).toEqual(expect.arrayContaining(['impossible_travel_from_last_login', 'known_device_new_country']));
  });

  it('targeted login from the victim\'s city on another network, same browser family, no cookie, is challenged', async () => {
    const home = await londoner('escape-targeted');
    clock.advance(HOUR);
    const targeted = await mfa.challenged({
      ...home,
      ip: '86.128.0.1',
      user_agent: BROWSERS.d1.replace('Chrome/130', 'Chrome/129'),
      device_id: undefined,
    });
    expect(targeted.risk_assessment.assessments.ImpossibleTravel.confidence).toBe('high');
    expect(targeted.decision.reasons).toContain('unknown_device_new_network');
  });

  it('a VPN login on a known device is not challenged; a VPN exit new to the user without the device is', async () => {
    const home = await londoner('escape-vpn');
    clock.advance(HOUR);
    const known = await mfa.assess({ ...home, ip: VPN_IP });
    expect(known.risk_assessment.assessments.ImpossibleTravel.code).toBe('anonymous_proxy');
    expect(known.risk_assessment.assessments.UntrustedIP).toMatchObject({ code: 'found_on_deny_list', details: { category: 'anonymizer' } });
    expect(known.evidence.terms).not.toHaveProperty('anonymizer');
    expect(known.decision.action).toBe('allow');

    const unknown = await mfa.challenged({ ...home, ip: OTHER_VPN_IP, device_id: 'someone-else' });
    expect(unknown.decision.reasons).toContain('anonymizer');
  });

  it('coming home after a trip is not challenged', async () => {
    const home = await londoner('escape-home');
    // Three days later in Tokyo with the same laptop: a new country, challenged once; she passes.
    clock.advance(3 * 24 * HOUR);
    const away = await mfa.challenged({ ...home, ip: IP.tokyo });
    expect(away.decision.reasons).toContain('known_device_new_country');
    expect((await mfa.verifyEmail(away.decision.mfa.mfa_token, home.email)).committed).toBe(true);
    // Home fourteen hours later: fast, but to a familiar place.
    clock.advance(14 * HOUR);
    const back = await mfa.assess(home);
    expect(back.risk_assessment.assessments.ImpossibleTravel).toMatchObject({ confidence: 'high', details: { familiar_place: true } });
    expect(back.decision.action).toBe('allow');
  });
});
