import { describe, expect, it } from 'vitest';
import { parseIp, resolveClientIp, type ClientIpInput } from '../../src/risk/context/ip.js';

describe('parseIp', () => {
  it.each([
    ['1.2.3.4', '1.2.3.4', 4],
    ['  8.8.8.8\t', '8.8.8.8', 4],
    ['::ffff:192.0.2.1', '192.0.2.1', 4],
    ['::FFFF:192.0.2.1', '192.0.2.1', 4],
    ['::ffff:c000:0201', '192.0.2.1', 4],
    ['0:0:0:0:0:ffff:c000:201', '192.0.2.1', 4],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1', 6],
    ['2001:0db8:0000:0000:0001:0000:0000:0001', '2001:db8::1:0:0:1', 6],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1', 6],
    ['::1', '::1', 6],
    ['::', '::', 6],
    ['fe80::1', 'fe80::1', 6],
    ['64:ff9b::1.2.3.4', '64:ff9b::102:304', 6],
  ] as const)('%j → %s', (raw, ip, family) => {
    expect(parseIp(raw)).toEqual({ ip, family });
  });

  it.each([
    '',
    '   ',
    'fe80::1%eth0',
    'fe80::1%1',
    '1.2.3',
    '01.2.3.4',
    '1.2.3.256',
    '[::1]',
    '1.2.3.4:80',
    '1.2.3.4/32',
    'example.com',
    '1::2::3',
    '::ffff:1.2.3',
  ])('rejects %j', (raw) => {
    expect(parseIp(raw)).toBeNull();
  });
});

describe('resolveClientIp', () => {
  const base: ClientIpInput = {
    forwardedFor: undefined,
    trustForwardedFor: false,
    bodyIp: undefined,
    connectionIp: '::ffff:127.0.0.1',
  };

  it('uses the header from a trusted client first', () => {
    expect(resolveClientIp({ ...base, trustForwardedFor: true, forwardedFor: '81.2.69.142', bodyIp: '8.8.8.8' })).toEqual({
      ip: '81.2.69.142',
      family: 4,
      invalidIp: null,
      source: 'forwarded_for',
      ignoredForwardedFor: false,
    });
  });

  it('takes the first entry of a comma list', () => {
    const r = resolveClientIp({ ...base, trustForwardedFor: true, forwardedFor: ' 2001:DB8::1 , 10.0.0.1, 10.0.0.2' });
    expect(r).toMatchObject({ ip: '2001:db8::1', family: 6, source: 'forwarded_for' });
  });

  it('ignores and flags the header from an untrusted client', () => {
    expect(resolveClientIp({ ...base, forwardedFor: '1.1.1.1', bodyIp: '8.8.8.8' })).toEqual({
      ip: '8.8.8.8',
      family: 4,
      invalidIp: null,
      source: 'body',
      ignoredForwardedFor: true,
    });
  });

  it('falls back to the body, then the connection, when the trusted header is absent or blank', () => {
    expect(resolveClientIp({ ...base, trustForwardedFor: true, forwardedFor: '  ', bodyIp: '8.8.8.8' })).toMatchObject({
      ip: '8.8.8.8',
      source: 'body',
      ignoredForwardedFor: false,
    });
    expect(resolveClientIp(base)).toMatchObject({ ip: '127.0.0.1', family: 4, source: 'connection', ignoredForwardedFor: false });
  });

  it('reports an invalid address from the chosen source without falling back', () => {
    expect(resolveClientIp({ ...base, trustForwardedFor: true, forwardedFor: 'unknown, 8.8.8.8', bodyIp: '8.8.4.4' })).toEqual({
      ip: null,
      family: null,
      invalidIp: 'unknown',
      source: 'forwarded_for',
      ignoredForwardedFor: false,
    });
    expect(resolveClientIp({ ...base, bodyIp: 'not-an-ip' })).toMatchObject({ ip: null, invalidIp: 'not-an-ip', source: 'body' });
    expect(resolveClientIp({ ...base, bodyIp: '' })).toMatchObject({ ip: null, invalidIp: '', source: 'body' });
    expect(resolveClientIp({ ...base, connectionIp: '' })).toMatchObject({ ip: null, invalidIp: '', source: 'connection' });
  });
});
