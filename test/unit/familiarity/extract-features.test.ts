import { createHmac } from 'node:crypto';
import siphash24 from 'siphash24';
import { describe, expect, it } from 'vitest';
import { MAX_UA_LENGTH } from '../../../src/risk/context/user-agent.js';
import { createFeatureHasher } from '../../../src/risk/familiarity/feature-hasher.js';
import { FEATURE_KEY_BYTES } from '../../../src/risk/familiarity/feature-key.js';
import { extractFeatures, subnetOf, type FamiliarityLogin } from '../../../src/risk/familiarity/extract-features.js';

const SECRET = 'x'.repeat(32);
const LOGIN: FamiliarityLogin = {
  ip: '2001:db8:abcd:12::7',
  family: 6,
  asn: 3320,
  country: 'de',
  city: 'Berlin',
  userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) Version/17.4 Mobile/15E148 Safari/604.1',
  ua: { browser: 'Mobile Safari 17', os: 'iOS', deviceType: 'mobile' },
  deviceHash: 'q1w2e3r4t5y6u7i8o9p0aa',
};

describe('createFeatureHasher', () => {
  it('is SipHash-2-4 as published: the reference vectors of Aumasson and Bernstein, reference vectors (key 00 01 … 0f)', () => {
    const key = Buffer.from([...Array(16).keys()]);
    // Messages 00, 00 01, … of 0, 7, 8 and 15 bytes; outputs as the reference vectors.h lists their bytes.
    expect(Buffer.from(siphash24(Buffer.alloc(0), key)).toString('hex')).toBe('310e0edd47db6f72');
    expect(Buffer.from(siphash24(Buffer.from([...Array(7).keys()]), key)).toString('hex')).toBe('37d1018bf50002ab');
    expect(Buffer.from(siphash24(Buffer.from([...Array(8).keys()]), key)).toString('hex')).toBe('6224939a79f5f593');
    expect(Buffer.from(siphash24(Buffer.from([...Array(15).keys()]), key)).toString('hex')).toBe('e545be4961ca29a1');
  });

  it('is the first 6 bytes of SipHash-2-4(user NUL feature NUL value) under 16 bytes of HMAC-SHA256(secret, "vigil familiarity"), base64url', () => {
    const key = createHmac('sha256', SECRET).update('vigil familiarity').digest().subarray(0, 16);
    const full = siphash24(Buffer.from('u-1\u0000ip\u0000203.0.113.7'), key);
    const k = createFeatureHasher(SECRET, 'u-1')('ip', '203.0.113.7');
    expect(k).toBe(Buffer.from(full).subarray(0, FEATURE_KEY_BYTES).toString('base64url'));
    expect(k).toMatch(/^[A-Za-z0-9_-]{8}$/);
    // Not ASCII, and longer than the reused input buffer holds: hashed whole as UTF-8, not cut.
    expect(createFeatureHasher(SECRET, 'u-1')('city', 'DE/Köln')).toBe(
      Buffer.from(siphash24(Buffer.from('u-1\u0000city\u0000DE/Köln', 'utf8'), key)).subarray(0, FEATURE_KEY_BYTES).toString('base64url'),
    );
    const ascii = 'a'.repeat(2000);
    expect(createFeatureHasher(SECRET, ascii)('ip', '1')).toBe(
      Buffer.from(siphash24(Buffer.from(`${ascii}\u0000ip\u00001`), key)).subarray(0, FEATURE_KEY_BYTES).toString('base64url'),
    );
    const long = 'é'.repeat(2000);
    expect(createFeatureHasher(SECRET, long)('ip', '1')).toBe(
      Buffer.from(siphash24(Buffer.from(`${long}\u0000ip\u00001`), key)).subarray(0, FEATURE_KEY_BYTES).toString('base64url'),
    );
    expect(createFeatureHasher(SECRET, long)('ip', '1')).not.toBe(createFeatureHasher(SECRET, long.slice(0, -1))('ip', '1'));
  });

  it('differs per user, per feature, per value and per secret, and is stable', () => {
    const h = createFeatureHasher(SECRET, 'u-1');
    const k = h('ip', '203.0.113.7');
    expect(createFeatureHasher(SECRET, 'u-1')('ip', '203.0.113.7')).toBe(k);
    expect(createFeatureHasher(SECRET, 'u-2')('ip', '203.0.113.7')).not.toBe(k);
    expect(h('subnet', '203.0.113.7')).not.toBe(k);
    expect(h('ip', '203.0.113.8')).not.toBe(k);
    expect(createFeatureHasher('y'.repeat(32), 'u-1')('ip', '203.0.113.7')).not.toBe(k);
  });
});

describe('subnetOf', () => {
  it.each([
    ['203.0.113.7', 4, '203.0.113.0/24'],
    ['255.255.255.255', 4, '255.255.255.0/24'],
    ['2001:db8:abcd:12::7', 6, '2001:db8:abcd::/48'],
    ['2001:db8:abcd:ffff:ffff:ffff:ffff:ffff', 6, '2001:db8:abcd::/48'],
    ['::1', 6, '::/48'],
  ] as const)('%s → %s', (ip, family, subnet) => {
    expect(subnetOf(ip, family)).toBe(subnet);
  });

  it('is null for text that is not of the family', () => {
    expect(subnetOf('2001:db8::1', 4)).toBeNull();
    expect(subnetOf('1.2.3.4', 6)).toBeNull();
  });
});

describe('extractFeatures', () => {
  const h = createFeatureHasher(SECRET, 'u-1');
  const f = extractFeatures(LOGIN, h);

  it('hashes every value but country and device type, and cuts the device hash to 48 bits', () => {
    expect(f.ip).toEqual({ key: h('ip', '2001:db8:abcd:12::7'), population: null });
    expect(f.subnet).toEqual({ key: h('subnet', '2001:db8:abcd::/48'), population: null });
    expect(f.asn).toEqual({ key: h('asn', '3320'), population: '3320' });
    expect(f.city).toEqual({ key: h('city', 'DE/Berlin'), population: null });
    expect(f.country).toEqual({ key: 'DE', population: 'DE' });
    expect(f.ua).toEqual({ key: h('ua', LOGIN.userAgent!), population: null });
    expect(f.browser).toEqual({ key: h('browser', 'Mobile Safari 17'), population: 'Mobile Safari 17' });
    expect(f.os).toEqual({ key: h('os', 'iOS'), population: 'iOS' });
    expect(f.deviceType).toEqual({ key: 'mobile', population: 'mobile' });
    expect(f.device).toEqual({ key: 'q1w2e3r4', population: null });
  });

  it('keeps a city apart from a namesake in another country', () => {
    expect(extractFeatures({ ...LOGIN, country: 'US', city: 'Berlin' }, h).city!.key).not.toBe(f.city!.key);
  });

  it('leaves out what the login lacks', () => {
    const bare = extractFeatures({ ip: null, family: null, asn: null, country: null, city: 'Berlin', userAgent: '  ', ua: null, deviceHash: null }, h);
    expect(Object.values(bare).every((v) => v === null)).toBe(true);
  });

  it('hashes only the first MAX_UA_LENGTH characters of a user agent, as the parser does', () => {
    const long = 'a'.repeat(MAX_UA_LENGTH);
    expect(extractFeatures({ ...LOGIN, userAgent: `${long}tail` }, h).ua).toEqual(extractFeatures({ ...LOGIN, userAgent: long }, h).ua);
  });

  it('is deterministic', () => {
    expect(extractFeatures(LOGIN, createFeatureHasher(SECRET, 'u-1'))).toEqual(f);
  });
});
