import { describe, expect, it } from 'vitest';
import { FEATURES } from '../../src/risk/familiarity/features.js';
import { encodeProfile } from '../../src/risk/familiarity/profile-codec.js';
import { decodeFamiliarity, encodeFamiliarity, familiarityFieldIndex, familiarityFields, joinFamiliarity, NO_FAMILIARITY } from '../../src/stores/history/familiarity-blob.js';
import { profileOf } from './familiarity/fixtures.js';

/** The user's familiarity string in Redis: profile and places in one binary value, as base64. */
describe('familiarity blob', () => {
  const profile = profileOf(5, { ip: { AAAAAAAA: 3, BBBBBBBB: 2 }, country: { GB: 5 } });
  const places = [
    { lat: 51.5, lon: -0.1, accuracyKm: null, count: 4, lastSeenDay: 20500 },
    { lat: -33.9, lon: 151.2, accuracyKm: 50, count: 1, lastSeenDay: 20400 },
  ];

  it('round-trips a profile and its places, 9 bytes a place after the profile', () => {
    const text = encodeFamiliarity({ profile, places });
    expect(Buffer.from(text, 'base64').length).toBe(2 + encodeProfile(profile).length + 1 + 2 * 9);
    expect(text).toMatch(/^[A-Za-z0-9+/]+=*$/);
    const back = decodeFamiliarity(text);
    expect(back.places).toEqual(places);
    expect(back.profile.logins).toBe(5);
    for (const f of FEATURES) expect([...back.profile.values[f]]).toEqual([...profile.values[f]]);
  });

  it('reads nothing, or damaged bytes, as no familiarity', () => {
    expect(decodeFamiliarity(null)).toBe(NO_FAMILIARITY);
    expect(decodeFamiliarity(Buffer.from([1, 2, 3, 4]).toString('base64'))).toBe(NO_FAMILIARITY);
    expect(decodeFamiliarity('not base64 at all')).toBe(NO_FAMILIARITY);
    const buf = Buffer.from(encodeFamiliarity({ profile, places }), 'base64');
    // A torn places section keeps the profile.
    expect(decodeFamiliarity(buf.subarray(0, buf.length - 4).toString('base64'))).toMatchObject({ places: [] });
  });

  it('reads a version 1 profile, whose keys were SHA-256 and match nothing now, as no familiarity', () => {
    const buf = Buffer.from(encodeFamiliarity({ profile, places }), 'base64');
    expect(buf[2]).toBe(2); // the profile's version byte, after its uint16 length
    buf[2] = 1;
    expect(decodeFamiliarity(buf.toString('base64'))).toBe(NO_FAMILIARITY);
  });

  it('is written as fields f0, f1, … of 64 characters, then an empty one; read back up to that', () => {
    const text = 'x'.repeat(64) + 'y'.repeat(64) + 'z'.repeat(10);
    const pairs = familiarityFields(text);
    expect(pairs).toEqual(['f0', 'x'.repeat(64), 'f1', 'y'.repeat(64), 'f2', 'z'.repeat(10), 'f3', '']);
    const parts: string[] = [];
    for (let i = 0; i < pairs.length; i += 2) parts[familiarityFieldIndex(pairs[i]!)] = pairs[i + 1]!;
    // Parts of a longer familiarity written before stay behind the empty one, unread.
    parts[4] = 'stale';
    expect(joinFamiliarity(parts)).toBe(text);
    expect(joinFamiliarity([])).toBeNull();
    expect(familiarityFields('')).toEqual(['f0', '']);
    for (const f of ['f', 'f01', 'fx', 'f-1', 'f1.5', 'k', 'loc', 'd:f1', 'f1000']) expect(familiarityFieldIndex(f), f).toBe(-1);
    expect(familiarityFieldIndex('f999')).toBe(999);
  });
});
