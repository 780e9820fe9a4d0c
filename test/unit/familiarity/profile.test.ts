import { describe, expect, it } from 'vitest';
import { createFeatureHasher } from '../../../src/risk/familiarity/feature-hasher.js';
import { extractFeatures, type FamiliarityLogin } from '../../../src/risk/familiarity/extract-features.js';
import { commitLogin, type ProfileLimits } from '../../../src/risk/familiarity/commit-login.js';
import { FEATURES } from '../../../src/risk/familiarity/features.js';
import { countsTotal, DAY_MS, dayOf, EMPTY_PROFILE, MAX_VALUE_COUNT, profileValues, type FamiliarityProfile } from '../../../src/risk/familiarity/profile.js';
import { decodeProfile, encodeProfile } from '../../../src/risk/familiarity/profile-codec.js';
import { trimProfile } from '../../../src/risk/familiarity/trim-profile.js';
import { loginOf, profileOf } from './fixtures.js';

const LIMITS: ProfileLimits = { maxValuesPerFeature: 8, windowDays: 180 };
const T0 = Date.UTC(2026, 0, 1);
const hash = createFeatureHasher('s'.repeat(32), 'u-1');

/** Small seeded PRNG (mulberry32) so a failure reproduces. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOME: FamiliarityLogin = {
  ip: '93.184.1.10',
  family: 4,
  asn: 3320,
  country: 'DE',
  city: 'Berlin',
  userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/125.0.0.0',
  ua: { browser: 'Chrome 125', os: 'Windows', deviceType: 'desktop' },
  deviceHash: 'AAAAAAAAAAAAAAAAAAAAAA',
};

describe('profileValues', () => {
  it('names every feature, in FEATURES order, with its own list', () => {
    const lists = FEATURES.map((f) => [{ key: f, count: 1, lastSeenDay: 1 }]);
    const values = profileValues(lists);
    expect(Object.keys(values)).toEqual([...FEATURES]);
    for (const f of FEATURES) expect(values[f][0]!.key).toBe(f);
  });
});

describe('commitLogin', () => {
  it('counts each present feature and marks it seen on the login’s day', () => {
    const { profile, added } = commitLogin(EMPTY_PROFILE, loginOf({ ip: 'Aaaaaaaa', country: 'DE' }), T0, LIMITS);
    expect(profile.logins).toBe(1);
    expect(added).toEqual(['ip', 'country']);
    expect(profile.values.ip.find((v) => v.key === 'Aaaaaaaa')).toEqual({ key: 'Aaaaaaaa', count: 1, lastSeenDay: dayOf(T0) });
    const again = commitLogin(profile, loginOf({ ip: 'Aaaaaaaa', country: 'DE' }), T0 + 2 * DAY_MS, LIMITS);
    expect(again.added).toEqual([]);
    expect(again.profile.values.ip.find((v) => v.key === 'Aaaaaaaa')).toEqual({ key: 'Aaaaaaaa', count: 2, lastSeenDay: dayOf(T0) + 2 });
    expect(countsTotal(again.profile.values.ip)).toBe(2);
    expect(again.profile.values.ua).toHaveLength(0);
    // Pure: the input profile is unchanged.
    expect(profile.values.ip.find((v) => v.key === 'Aaaaaaaa')).toEqual({ key: 'Aaaaaaaa', count: 1, lastSeenDay: dayOf(T0) });
  });

  it('never moves a last-seen day back for a late (back-filled) login', () => {
    const p = commitLogin(EMPTY_PROFILE, loginOf({ ip: 'Aaaaaaaa' }), T0 + 10 * DAY_MS, LIMITS).profile;
    const late = commitLogin(p, loginOf({ ip: 'Aaaaaaaa' }), T0, LIMITS).profile;
    expect(late.values.ip.find((v) => v.key === 'Aaaaaaaa')).toEqual({ key: 'Aaaaaaaa', count: 2, lastSeenDay: dayOf(T0) + 10 });
  });

  it('evicts the least recently seen value when a feature is full, the rarer first on a tie', () => {
    const full = profileOf(8, { ip: { a: 5, b: 1, c: 1, d: 1, e: 1, f: 1, g: 1, h: 1 } });
    // a..h seen on day 20,000; make `a` and `b` more recent.
    const values = full.values.ip.map((v) => (v.key === 'a' ? { ...v, lastSeenDay: 20_005 } : v.key === 'b' ? { ...v, lastSeenDay: 20_003 } : v));
    const p: FamiliarityProfile = { ...full, values: { ...full.values, ip: values } };
    const at = (day: number) => day * DAY_MS;
    const r = commitLogin(p, loginOf({ ip: 'new' }), at(20_006), LIMITS);
    expect(r.evicted).toBe(1);
    // c..h tie on day 20,000 and count 1: the smallest key, `c`, goes.
    expect(r.profile.values.ip.map((v) => v.key).sort()).toEqual(['a', 'b', 'd', 'e', 'f', 'g', 'h', 'new']);
  });

  it('halves a feature’s counts when one would pass 255, keeping every value', () => {
    const p = profileOf(300, { country: { DE: MAX_VALUE_COUNT, FR: 3 } });
    const r = commitLogin(p, loginOf({ country: 'DE' }), 20_000 * DAY_MS, LIMITS).profile;
    expect(r.values.country.find((v) => v.key === 'DE')!.count).toBe(Math.ceil(255 / 2) + 1);
    expect(r.values.country.find((v) => v.key === 'FR')!.count).toBe(2);
  });
});

describe('trimProfile', () => {
  it('drops values last seen before the window and keeps the rest', () => {
    const p = profileOf(3, { ip: { old: 1, recent: 2 } });
    const values = [
      { key: 'old', count: 1, lastSeenDay: 20_000 - 181 },
      { key: 'recent', count: 2, lastSeenDay: 20_000 - 180 },
    ];
    const q: FamiliarityProfile = { ...p, values: { ...p.values, ip: values } };
    const { profile, dropped } = trimProfile(q, 20_000 * DAY_MS, 180);
    expect(dropped).toBe(1);
    expect(profile.values.ip.map((v) => v.key)).toEqual(['recent']);
    expect(profile.logins).toBe(3);
  });

  it('returns the same object when nothing is old enough', () => {
    const p = profileOf(1, { ip: { a: 1 } });
    expect(trimProfile(p, 20_000 * DAY_MS, 180).profile).toBe(p);
  });
});

describe('profile bounds under 1,000 logins', () => {
  /** A roaming user: 1,000 logins over ~3 years, many IPs, cities, user agents and cookies. */
  function roam(seed: number): FamiliarityProfile {
    const r = rng(seed);
    let p = EMPTY_PROFILE;
    for (let i = 0; i < 1000; i++) {
      const login: FamiliarityLogin = {
        ip: `${10 + Math.floor(r() * 200)}.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}`,
        family: 4,
        asn: 1000 + Math.floor(r() * 40),
        country: ['DE', 'FR', 'US', 'GB', 'JP', 'BR'][Math.floor(r() * 6)]!,
        city: `City ${Math.floor(r() * 50)}`,
        userAgent: `UA ${Math.floor(r() * 30)}`,
        ua: { browser: `Chrome ${100 + Math.floor(r() * 30)}`, os: ['Windows', 'iOS', 'Android', 'macOS'][Math.floor(r() * 4)]!, deviceType: r() < 0.5 ? 'desktop' : 'mobile' },
        deviceHash: Buffer.from(String(Math.floor(r() * 40)).padEnd(16, 'x')).toString('base64url'),
      };
      p = commitLogin(p, extractFeatures(login, hash), T0 + i * DAY_MS, LIMITS).profile;
    }
    return p;
  }

  it('keeps at most maxValuesPerFeature values, counts ≤ 255, nothing older than the window, and encodes in ≤ 1 KB', () => {
    const p = roam(1);
    expect(p.logins).toBe(1000);
    const lastDay = dayOf(T0 + 999 * DAY_MS);
    for (const f of FEATURES) {
      expect(p.values[f].length, f).toBeLessThanOrEqual(LIMITS.maxValuesPerFeature);
      for (const s of p.values[f]) {
        expect(s.count).toBeLessThanOrEqual(MAX_VALUE_COUNT);
        expect(s.lastSeenDay).toBeGreaterThanOrEqual(lastDay - LIMITS.windowDays);
      }
    }
    // Worst case at the defaults: 8 hashed keys × 8 features × 9 B + raw features + header.
    const bytes = encodeProfile(p).length;
    expect(bytes).toBeLessThanOrEqual(1024);
  });

  it('keeps a typical user (home and phone, 1,000 logins) in ~200 bytes', () => {
    let p = EMPTY_PROFILE;
    const phone: FamiliarityLogin = { ...HOME, ip: '80.187.5.5', asn: 3209, userAgent: 'iPhone UA', ua: { browser: 'Mobile Safari 17', os: 'iOS', deviceType: 'mobile' }, deviceHash: 'BBBBBBBBBBBBBBBBBBBBBB' };
    for (let i = 0; i < 1000; i++) {
      // The home address changes every 60 days (DHCP), within its /24.
      const home = { ...HOME, ip: `93.184.1.${10 + Math.floor(i / 60)}` };
      p = commitLogin(p, extractFeatures(i % 3 === 0 ? phone : home, hash), T0 + i * 0.5 * DAY_MS, LIMITS).profile;
    }
    const bytes = encodeProfile(p).length;
    expect(bytes).toBeLessThan(300);
  });

  it('is deterministic: the same logins give the same bytes', () => {
    expect(encodeProfile(roam(7)).equals(encodeProfile(roam(7)))).toBe(true);
    expect(encodeProfile(roam(7)).equals(encodeProfile(roam(8)))).toBe(false);
  });
});

describe('encodeProfile / decodeProfile', () => {
  it('round-trips', () => {
    let p = EMPTY_PROFILE;
    for (let i = 0; i < 200; i++) p = commitLogin(p, extractFeatures({ ...HOME, ip: `93.184.1.${i % 12}` }, hash), T0 + i * DAY_MS, LIMITS).profile;
    const back = decodeProfile(encodeProfile(p));
    expect(back.logins).toBe(200);
    for (const f of FEATURES) expect(back.values[f]).toEqual(p.values[f]);
  });

  it('stores a key as the 6 bytes its base64url text names, and reads back the same text', () => {
    // Keys covering the whole alphabet, checked against Buffer's own base64url codec.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const keys = Array.from({ length: 8 }, (_, i) => alphabet.slice(i * 8, i * 8 + 8));
    const p = profileOf(1, { ip: Object.fromEntries(keys.map((k) => [k, 1])) });
    const bytes = encodeProfile(p);
    for (const k of keys) expect(bytes.includes(Buffer.from(k, 'base64url')), k).toBe(true);
    expect(decodeProfile(bytes).values.ip.map((v) => v.key)).toEqual(keys);
  });

  it('refuses what it cannot store or did not write', () => {
    expect(() => encodeProfile(profileOf(1, { ip: { 'not-a-key': 1 } }))).toThrow(RangeError);
    // Eight characters, but not base64url: '+' and '/' are base64's, 'é' is no alphabet's.
    for (const key of ['AAAA+AAA', 'AAAAAAA/', 'AAAAAAAé', 'AAAAAAA=']) expect(() => encodeProfile(profileOf(1, { ip: { [key]: 1 } })), key).toThrow(RangeError);
    expect(() => encodeProfile(profileOf(1, { country: { ['X'.repeat(40)]: 1 } }))).toThrow(RangeError);
    const good = encodeProfile(profileOf(1, { country: { DE: 1 } }));
    expect(() => decodeProfile(good.subarray(0, good.length - 1))).toThrow(RangeError);
    expect(() => decodeProfile(Buffer.concat([good, Buffer.from([0])]))).toThrow(/trailing/);
    expect(() => decodeProfile(Buffer.from([9]))).toThrow(/version/);
  });
});
