/**
 * Real browser captures (SimpleWebAuthn's test suite, see test/fixtures/webauthn/README.md) run
 * through our confirm/verify: the env carries the capture's origin and RP ID, the pending state
 * its challenge. Each vector also fails once one input is wrong, so a pass means it was checked.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { webauthn } from '../../src/mfa/webauthn/index.js';
import type { FactorEnv, Pending } from '../../src/mfa/types.js';
import { factorEnv } from './factor-env-fixture.js';

interface Capture {
  name: string;
  source: string;
  expectedChallenge: string;
  origin: string;
  rpId: string;
  response: unknown;
}
interface RegistrationCapture extends Capture {
  expected: { credentialId: string; publicKey: string; counter: number; aaguid: string };
}
interface AuthenticationCapture extends Capture {
  credential: { credentialId: string; publicKey: string; counter: number };
  expected: { counter: number };
}

const load = <T>(name: string): T[] =>
  JSON.parse(readFileSync(new URL(`../fixtures/webauthn/${name}`, import.meta.url), 'utf8')) as T[];
const registrations = load<RegistrationCapture>('registration.json');
const authentications = load<AuthenticationCapture>('authentication.json');

const T0 = 1_700_000_000_000;

function envFor(capture: Capture, overrides: Partial<FactorEnv['webauthn']> = {}): FactorEnv {
  return factorEnv({ nowMs: T0, webauthn: { rpId: capture.rpId, rpName: 'capture', origins: [capture.origin], ...overrides } });
}

function pendingFor(capture: Capture, challenge = capture.expectedChallenge): Pending {
  return { data: { challenge }, expiresAtMs: T0 + 60_000 };
}

/** The stored state an earlier registration of this credential would have left. */
function storedState(capture: AuthenticationCapture, counter = capture.credential.counter) {
  return {
    credentialId: capture.credential.credentialId,
    publicKey: capture.credential.publicKey,
    counter,
    transports: [],
    deviceType: 'singleDevice',
    backedUp: false,
    aaguid: '00000000-0000-0000-0000-000000000000',
  };
}

describe('webauthn.confirm on captured registrations', () => {
  it('has vectors to run', () => {
    expect(registrations.length).toBeGreaterThanOrEqual(2);
  });

  it.each(registrations.map((c) => [c.name, c] as const))('verifies %s', async (_name, capture) => {
    const result = await webauthn.confirm(envFor(capture), {}, pendingFor(capture), { credential: capture.response });
    expect(result).toEqual({
      ok: true,
      state: {
        credentialId: capture.expected.credentialId,
        publicKey: capture.expected.publicKey,
        counter: capture.expected.counter,
        transports: [],
        deviceType: 'singleDevice',
        backedUp: false,
        aaguid: capture.expected.aaguid,
      },
    });
  });

  it.each(registrations.map((c) => [c.name, c] as const))('refuses %s with another challenge, origin or RP ID', async (_name, capture) => {
    const proof = { credential: capture.response };
    const wrong = [
      webauthn.confirm(envFor(capture), {}, pendingFor(capture, 'dGhlLXdyb25nLWNoYWxsZW5nZQ'), proof),
      webauthn.confirm(envFor(capture, { origins: ['https://example.com'] }), {}, pendingFor(capture), proof),
      webauthn.confirm(envFor(capture, { rpId: 'example.com' }), {}, pendingFor(capture), proof),
    ];
    for (const result of await Promise.all(wrong)) expect(result).toEqual({ ok: false, reason: 'invalid_credential' });
  });
});

describe('webauthn.verify on captured assertions', () => {
  it('has vectors to run', () => {
    expect(authentications.length).toBeGreaterThanOrEqual(2);
  });

  it.each(authentications.map((c) => [c.name, c] as const))('verifies %s', async (_name, capture) => {
    const state = storedState(capture);
    const result = await webauthn.verify(envFor(capture), state, pendingFor(capture), { credential: capture.response });
    expect(result).toEqual({ ok: true, state: { ...state, counter: capture.expected.counter } });
  });

  it.each(authentications.map((c) => [c.name, c] as const))('refuses %s with another challenge, origin, RP ID or key', async (_name, capture) => {
    const proof = { credential: capture.response };
    const otherKey = authentications.find((c) => c !== capture)?.credential.publicKey ?? '';
    const wrong = [
      webauthn.verify(envFor(capture), storedState(capture), pendingFor(capture, 'dGhlLXdyb25nLWNoYWxsZW5nZQ'), proof),
      webauthn.verify(envFor(capture, { origins: ['https://example.com'] }), storedState(capture), pendingFor(capture), proof),
      webauthn.verify(envFor(capture, { rpId: 'example.com' }), storedState(capture), pendingFor(capture), proof),
      webauthn.verify(envFor(capture), { ...storedState(capture), publicKey: otherKey }, pendingFor(capture), proof),
    ];
    for (const result of await Promise.all(wrong)) expect(result).toEqual({ ok: false, reason: 'invalid_credential' });
  });

  it('flags the counted capture replayed against the counter it left: counter_regressed', async () => {
    const counted = authentications.filter((c) => c.expected.counter > 0);
    expect(counted.length).toBeGreaterThan(0);
    for (const capture of counted) {
      const state = storedState(capture, capture.expected.counter);
      const result = await webauthn.verify(envFor(capture), state, pendingFor(capture), { credential: capture.response });
      expect(result, capture.name).toEqual({ ok: false, reason: 'counter_regressed' });
    }
  });
});
