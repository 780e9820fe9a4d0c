import { describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { deviceHash } from '../../src/risk/context/device.js';

const secret = 'x'.repeat(32);

describe('deviceHash', () => {
  it('is the first 16 bytes of HMAC-SHA256(secret, userId NUL deviceId), base64url', () => {
    const full = createHmac('sha256', secret).update('u-1\u0000cookie').digest();
    const h = deviceHash(secret, 'u-1', 'cookie');
    expect(h).toBe(full.subarray(0, 16).toString('base64url'));
    expect(h).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('is stable, and differs per user, per device and per secret', () => {
    const h = deviceHash(secret, 'u-1', 'cookie');
    expect(deviceHash(secret, 'u-1', 'cookie')).toBe(h);
    expect(deviceHash(secret, 'u-2', 'cookie')).not.toBe(h);
    expect(deviceHash(secret, 'u-1', 'cookie2')).not.toBe(h);
    expect(deviceHash('y'.repeat(32), 'u-1', 'cookie')).not.toBe(h);
  });

  it('keeps the user/device boundary: ("ab","c") differs from ("a","bc")', () => {
    expect(deviceHash(secret, 'ab', 'c')).not.toBe(deviceHash(secret, 'a', 'bc'));
  });
});
