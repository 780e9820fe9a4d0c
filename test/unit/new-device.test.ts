import { describe, expect, it } from 'vitest';
import { newDevice } from '../../src/risk/assessors/new-device.js';
import { DAY, NOW, history, input, login } from './assessor-fixtures.js';

const DEVICE = 'dev-hash-1';
const UA = 'Chrome/Windows';
const recent = NOW - DAY;
const known = () => history({ devices: new Map([[DEVICE, recent]]), userAgents: new Map([[UA, recent]]) });

describe('newDevice', () => {
  it('has the Auth0 name', () => {
    expect(newDevice.name).toBe('NewDevice');
  });

  it('unknown_device (neutral) when neither device nor user agent is given, even without history', () => {
    for (const h of [known(), null]) {
      const r = newDevice.assess(input({ login: login({ deviceHash: null, uaFamily: null }), history: h }));
      expect(r).toEqual({
        confidence: 'neutral',
        code: 'unknown_device',
        details: { device: 'not_provided', useragent: 'not_provided', ua_family: null },
      });
    }
  });

  it('assessment_not_available (low) when history could not be loaded', () => {
    expect(newDevice.assess(input({ history: null }))).toEqual({ confidence: 'low', code: 'assessment_not_available' });
  });

  it('initial_login (neutral) for a user with no history', () => {
    expect(newDevice.assess(input({ history: history({ known: false }) }))).toMatchObject({
      confidence: 'neutral',
      code: 'initial_login',
    });
  });

  it('match (high) when device and user agent are both known', () => {
    expect(newDevice.assess(input({ history: known() }))).toEqual({
      confidence: 'high',
      code: 'match',
      details: { device: 'known', useragent: 'known', ua_family: UA },
    });
  });

  it('partial_match (medium) when only the device is known', () => {
    const r = newDevice.assess(input({ login: login({ uaFamily: 'Firefox/Linux' }), history: known() }));
    expect(r).toEqual({
      confidence: 'medium',
      code: 'partial_match',
      details: { device: 'known', useragent: 'unknown', ua_family: 'Firefox/Linux' },
    });
  });

  it('partial_match (medium) when only the user agent is known', () => {
    const r = newDevice.assess(input({ login: login({ deviceHash: 'other' }), history: known() }));
    expect(r).toMatchObject({ confidence: 'medium', code: 'partial_match', details: { device: 'unknown', useragent: 'known' } });
  });

  it('partial_match, not match, when only a known user agent is given (Auth0: match needs both)', () => {
    const r = newDevice.assess(input({ login: login({ deviceHash: null }), history: known() }));
    expect(r).toMatchObject({ code: 'partial_match', details: { device: 'not_provided', useragent: 'known' } });
  });

  it('partial_match when only a known device is given', () => {
    const r = newDevice.assess(input({ login: login({ uaFamily: null }), history: known() }));
    expect(r).toMatchObject({ code: 'partial_match', details: { device: 'known', useragent: 'not_provided', ua_family: null } });
  });

  it('no_match (low) when neither is known', () => {
    const r = newDevice.assess(input({ login: login({ deviceHash: 'other', uaFamily: 'Safari/iOS' }), history: known() }));
    expect(r).toEqual({
      confidence: 'low',
      code: 'no_match',
      details: { device: 'unknown', useragent: 'unknown', ua_family: 'Safari/iOS' },
    });
  });

  it('no_match when the only given one is unknown', () => {
    const r = newDevice.assess(input({ login: login({ deviceHash: null, uaFamily: 'Safari/iOS' }), history: known() }));
    expect(r).toMatchObject({ code: 'no_match', details: { device: 'not_provided', useragent: 'unknown' } });
  });

  it('trusts a device seen exactly deviceTrustDays ago, not one ms earlier', () => {
    const edge = NOW - 30 * DAY;
    const other = new Map([['another-device', recent]]);
    const at = (t: number) => history({ devices: new Map([[DEVICE, t], ...other]), userAgents: new Map([[UA, recent]]) });
    expect(newDevice.assess(input({ history: at(edge) })).code).toBe('match');
    expect(newDevice.assess(input({ history: at(edge - 1) })).code).toBe('partial_match');
  });

  it('uses settings.deviceTrustDays for the window', () => {
    const h = history({ devices: new Map([[DEVICE, NOW - 10 * DAY]]), userAgents: new Map([[UA, recent]]) });
    const s = { ...input().settings, deviceTrustDays: 7 };
    expect(newDevice.assess(input({ history: h })).code).toBe('match');
    expect(newDevice.assess(input({ history: h, settings: s })).code).toBe('partial_match');
  });

  it('no_device_history (medium) when the user is known but every device and agent expired', () => {
    const old = NOW - 31 * DAY;
    const h = history({ devices: new Map([[DEVICE, old]]), userAgents: new Map([[UA, old]]) });
    expect(newDevice.assess(input({ history: h }))).toEqual({
      confidence: 'medium',
      code: 'no_device_history',
      details: { device: 'unknown', useragent: 'unknown', ua_family: UA },
    });
  });

  it('no_device_history when the known user has empty device and agent lists', () => {
    expect(newDevice.assess(input({ history: history() })).code).toBe('no_device_history');
  });

  it('never puts the device hash in details', () => {
    for (const h of [known(), history(), history({ known: false })]) {
      const r = newDevice.assess(input({ history: h }));
      expect(JSON.stringify(r)).not.toContain(DEVICE);
    }
  });
});
