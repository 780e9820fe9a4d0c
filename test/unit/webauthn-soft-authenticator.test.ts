import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  cose,
  decodeAttestationObject,
  decodeCredentialPublicKey,
  parseAuthenticatorData,
} from '@simplewebauthn/server/helpers';
import { cborEncode, type Cbor, SoftAuthenticator } from '../support/soft-authenticator.js';

// RFC 8949 Appendix A, the rows for the types the encoder supports.
const RFC8949_APPENDIX_A: ReadonlyArray<[Cbor, string]> = [
  [0, '00'],
  [23, '17'],
  [24, '1818'],
  [100, '1864'],
  [1000, '1903e8'],
  [1000000, '1a000f4240'],
  [-1, '20'],
  [-10, '29'],
  [-100, '3863'],
  [-1000, '3903e7'],
  [new Uint8Array([]), '40'],
  [new Uint8Array([1, 2, 3, 4]), '4401020304'],
  ['', '60'],
  ['a', '6161'],
  ['IETF', '6449455446'],
  ['\u00fc', '62c3bc'],
  [new Map(), 'a0'],
  [new Map([[1, 2], [3, 4]]), 'a201020304'],
  [new Map([['a', 'A'], ['b', 'B'], ['c', 'C'], ['d', 'D'], ['e', 'E']]), 'a56161614161626142616361436164614461656145'],
];

describe('test support: CBOR encoder', () => {
  it('matches the RFC 8949 Appendix A encodings', () => {
    for (const [value, hex] of RFC8949_APPENDIX_A) {
      expect(cborEncode(value).toString('hex'), hex).toBe(hex);
    }
  });
});

describe('test support: soft authenticator', () => {
  it('builds an attestation object SimpleWebAuthn parses: none, UP|UV|AT, zero AAGUID, its id and EC2 P-256 key', () => {
    const authenticator = new SoftAuthenticator();
    const response = authenticator.register(
      {
        challenge: 'Y2hhbGxlbmdl',
        rp: { id: 'login.example.com', name: 'x' },
        user: { id: 'dQ', name: 'u', displayName: '' },
        pubKeyCredParams: [{ alg: -7, type: 'public-key' }],
      },
      { origin: 'https://login.example.com' },
    );
    const attestation = decodeAttestationObject(Buffer.from(response.response.attestationObject, 'base64url'));
    expect(attestation.get('fmt')).toBe('none');
    expect(attestation.get('attStmt').size).toBe(0);
    const authData = parseAuthenticatorData(attestation.get('authData'));
    expect(authData.flags.flagsInt).toBe(0x45);
    expect(Buffer.from(authData.rpIdHash).equals(createHash('sha256').update('login.example.com').digest())).toBe(true);
    expect(authData.counter).toBe(0);
    expect(Buffer.from(authData.aaguid ?? []).equals(Buffer.alloc(16))).toBe(true);
    expect(Buffer.from(authData.credentialID ?? []).toString('base64url')).toBe(authenticator.credentialId);
    const key = decodeCredentialPublicKey(authData.credentialPublicKey ?? new Uint8Array());
    expect(cose.isCOSEPublicKeyEC2(key)).toBe(true);
    if (!cose.isCOSEPublicKeyEC2(key)) return;
    expect([key.get(cose.COSEKEYS.kty), key.get(cose.COSEKEYS.alg), key.get(cose.COSEKEYS.crv)]).toEqual([2, -7, 1]);
    expect(key.get(cose.COSEKEYS.x)?.length).toBe(32);
    expect(key.get(cose.COSEKEYS.y)?.length).toBe(32);
    expect(Buffer.from(authData.credentialPublicKey ?? []).toString('base64url')).toBe(authenticator.publicKey);
    const clientData = JSON.parse(Buffer.from(response.response.clientDataJSON, 'base64url').toString('utf8'));
    expect(clientData).toMatchObject({ type: 'webauthn.create', challenge: 'Y2hhbGxlbmdl', origin: 'https://login.example.com' });
  });
});
