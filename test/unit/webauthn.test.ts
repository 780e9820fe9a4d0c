import { describe, expect, it } from 'vitest';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/server';
import { webauthn } from '../../src/mfa/webauthn/index.js';
import { counterRegressed } from '../../src/mfa/webauthn/verify.js';
import type { FactorEnv, FactorState, Pending } from '../../src/mfa/types.js';
import { FLAG_AT, FLAG_UP, FLAG_UV, SoftAuthenticator, type CeremonyOverrides } from '../support/soft-authenticator.js';
import { factorEnv } from './factor-env-fixture.js';

const ORIGIN = 'https://login.example.com';
const RP = { rpId: 'login.example.com', rpName: 'Example Login', origins: [ORIGIN, 'https://accounts.example.com'] };
const T0 = 1_700_000_000_000;
const FIVE_MIN = 5 * 60_000;
const FLAG_BE = 0x08;
const FLAG_BS = 0x10;

function env(overrides: Partial<FactorEnv> = {}): FactorEnv {
  return factorEnv({ nowMs: T0, webauthn: RP, ...overrides });
}

async function startEnroll(e = env(), existing?: FactorState[]) {
  const enrolled = await webauthn.enroll(e, { existing });
  return { enrolled, options: enrolled.show['options'] as PublicKeyCredentialCreationOptionsJSON };
}

/** A confirmed credential of a fresh soft authenticator. */
async function registered(overrides: Partial<CeremonyOverrides> = {}) {
  const authenticator = new SoftAuthenticator();
  const e = env();
  const { enrolled, options } = await startEnroll(e);
  const credential = authenticator.register(options, { origin: ORIGIN, ...overrides });
  const confirmed = await webauthn.confirm(e, enrolled.state, enrolled.pending, { credential });
  if (!confirmed.ok) throw new Error(`registration failed: ${confirmed.reason}`);
  return { authenticator, state: confirmed.state };
}

/** base64url of the same bytes with the last bit flipped. */
function flipLastBit(b64url: string): string {
  const bytes = Buffer.from(b64url, 'base64url');
  bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0x01, bytes.length - 1);
  return bytes.toString('base64url');
}

/** A login challenge for `state`, answered by `authenticator`. */
async function answered(state: FactorState, authenticator: SoftAuthenticator, overrides: Partial<CeremonyOverrides> = {}) {
  const e = env();
  const challenged = await webauthn.challenge(e, state);
  const options = challenged.show['options'] as PublicKeyCredentialRequestOptionsJSON;
  const credential = authenticator.authenticate(options, { origin: ORIGIN, ...overrides });
  return { e, challenged, options, pending: challenged.pending, credential };
}

describe('webauthn.enroll', () => {
  it('offers creation options for the configured RP with a 5-minute pending challenge, no state and nothing to deliver', async () => {
    const { enrolled, options } = await startEnroll();
    expect(options.rp).toEqual({ id: 'login.example.com', name: 'Example Login' });
    expect(options.attestation).toBe('none');
    expect(options.authenticatorSelection).toMatchObject({ residentKey: 'preferred', userVerification: 'preferred' });
    expect(options.pubKeyCredParams.map((p) => p.alg)).toEqual([-8, -7, -257]);
    expect(options.excludeCredentials).toEqual([]);
    expect(options.challenge).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes
    expect(enrolled.pending).toEqual({ data: { challenge: options.challenge }, expiresAtMs: T0 + FIVE_MIN });
    expect(enrolled.state).toEqual({});
    expect(enrolled.deliver).toBeNull();
  });

  it('draws a new challenge every time', async () => {
    const a = await startEnroll();
    const b = await startEnroll();
    expect(a.options.challenge).not.toBe(b.options.challenge);
  });

  it('uses an opaque user handle: stable per user, different between users, never the raw user id', async () => {
    const userId = 'auth0|5f7c8ec7c33c6c004bbafe82';
    const first = await startEnroll(env({ userId }));
    const again = await startEnroll(env({ userId }));
    const other = await startEnroll(env({ userId: 'auth0|someone-else' }));
    const handle = Buffer.from(first.options.user.id, 'base64url');
    expect(handle.length).toBe(32);
    expect(first.options.user.id).toBe(again.options.user.id);
    expect(first.options.user.id).not.toBe(other.options.user.id);
    expect(handle.toString('utf8')).not.toContain(userId);
    expect(JSON.stringify(first.options)).not.toContain('5f7c8ec7c33c6c004bbafe82');
  });

  it('names the user by email when known, else by the opaque handle', async () => {
    const withEmail = await startEnroll(env({ email: 'ada@example.com' }));
    expect(withEmail.options.user).toMatchObject({ name: 'ada@example.com', displayName: 'ada@example.com' });
    const userId = 'u-without-email';
    const without = await startEnroll(env({ email: null, userId }));
    expect(without.options.user.name).toBe(without.options.user.id);
    expect(without.options.user.displayName).toBe('');
    expect(JSON.stringify(without.options)).not.toContain(userId);
  });

  it('excludes the user\'s existing credentials (skipping unconfirmed enrollments), so an authenticator cannot enroll twice', async () => {
    const { authenticator, state } = await registered();
    const second = await registered();
    const { options } = await startEnroll(env(), [state, {}, second.state]);
    expect(options.excludeCredentials).toEqual([
      { id: authenticator.credentialId, transports: ['usb'], type: 'public-key' },
      { id: second.authenticator.credentialId, transports: ['usb'], type: 'public-key' },
    ]);
    expect(() => authenticator.register(options, { origin: ORIGIN })).toThrow(/InvalidStateError/);
    expect(() => new SoftAuthenticator().register(options, { origin: ORIGIN })).not.toThrow();
  });
});

describe('webauthn.confirm', () => {
  it('stores the verified credential: id, COSE public key, counter, transports, device type, backup state, AAGUID', async () => {
    const authenticator = new SoftAuthenticator();
    const { enrolled, options } = await startEnroll();
    const credential = authenticator.register(options, { origin: ORIGIN });
    const confirmed = await webauthn.confirm(env(), enrolled.state, enrolled.pending, { credential });
    expect(confirmed).toEqual({
      ok: true,
      state: {
        credentialId: authenticator.credentialId,
        publicKey: authenticator.publicKey,
        counter: 0,
        transports: ['usb'],
        deviceType: 'singleDevice',
        backedUp: false,
        aaguid: '00000000-0000-0000-0000-000000000000',
      },
    });
  });

  it('stores only known transports, once each', async () => {
    const authenticator = new SoftAuthenticator();
    const { enrolled, options } = await startEnroll();
    const credential = authenticator.register(options, { origin: ORIGIN });
    credential.response.transports = ['usb', 'carrier-pigeon', 'usb', 'nfc'];
    const confirmed = await webauthn.confirm(env(), enrolled.state, enrolled.pending, { credential });
    expect(confirmed).toMatchObject({ ok: true, state: { transports: ['usb', 'nfc'] } });
  });

  it('records a synced passkey (BE and BS flags) as multiDevice and backed up', async () => {
    const { state } = await registered({ flags: FLAG_UP | FLAG_UV | FLAG_AT | FLAG_BE | FLAG_BS });
    expect(state).toMatchObject({ deviceType: 'multiDevice', backedUp: true });
  });

  it('accepts any configured origin, and no user verification (presence is the second-factor test)', async () => {
    const { state } = await registered({ origin: 'https://accounts.example.com', flags: FLAG_UP | FLAG_AT });
    expect(state['credentialId']).toEqual(expect.any(String));
  });

  it('answers no_pending_challenge without pending state and expired from its deadline on', async () => {
    const { enrolled, options } = await startEnroll();
    const credential = new SoftAuthenticator().register(options, { origin: ORIGIN });
    const pending = enrolled.pending as Pending;
    expect(await webauthn.confirm(env(), {}, null, { credential })).toEqual({ ok: false, reason: 'no_pending_challenge' });
    expect(await webauthn.confirm(env(), {}, { data: {}, expiresAtMs: pending.expiresAtMs }, { credential })).toEqual({
      ok: false,
      reason: 'no_pending_challenge',
    });
    expect(await webauthn.confirm(env({ nowMs: pending.expiresAtMs }), {}, pending, { credential })).toEqual({
      ok: false,
      reason: 'expired',
    });
    expect((await webauthn.confirm(env({ nowMs: pending.expiresAtMs - 1 }), {}, pending, { credential })).ok).toBe(true);
  });

  it.each([
    ['an origin not configured (phishing page)', { origin: 'https://login.example.com.evil.test' }],
    ['authenticator data for another RP ID', { rpId: 'evil.test' }],
    ['a challenge other than the pending one', { challenge: 'c29tZS1vdGhlci1jaGFsbGVuZ2U' }],
    ['no user presence', { flags: FLAG_UV | FLAG_AT }],
  ])('refuses %s as invalid_credential', async (_name, overrides) => {
    const { enrolled, options } = await startEnroll();
    const credential = new SoftAuthenticator().register(options, { origin: ORIGIN, ...overrides });
    expect(await webauthn.confirm(env(), {}, enrolled.pending, { credential })).toEqual({ ok: false, reason: 'invalid_credential' });
  });

  it('refuses a response to another enrollment\'s challenge', async () => {
    const mine = await startEnroll();
    const theirs = await startEnroll();
    const credential = new SoftAuthenticator().register(theirs.options, { origin: ORIGIN });
    expect(await webauthn.confirm(env(), {}, mine.enrolled.pending, { credential })).toEqual({ ok: false, reason: 'invalid_credential' });
  });

  it('refuses a login assertion and malformed input as invalid_credential, without throwing', async () => {
    const { authenticator, state } = await registered();
    const { credential: assertion } = await answered(state, authenticator);
    const { enrolled, options } = await startEnroll();
    const good = new SoftAuthenticator().register(options, { origin: ORIGIN });
    const broken: unknown[] = [
      undefined,
      'a string',
      {},
      assertion,
      { ...good, type: 'password' },
      { ...good, rawId: 'AAAA' },
      { ...good, response: { ...good.response, attestationObject: 'bm90IGNib3I' } },
      { ...good, response: { ...good.response, clientDataJSON: '%%%' } },
    ];
    for (const credential of broken) {
      expect(await webauthn.confirm(env(), {}, enrolled.pending, { credential })).toEqual({ ok: false, reason: 'invalid_credential' });
    }
    expect((await webauthn.confirm(env(), {}, enrolled.pending, { credential: good })).ok).toBe(true);
  });
});

describe('webauthn.challenge', () => {
  it('asks for this credential only, UV preferred, with a 5-minute pending challenge', async () => {
    const { authenticator, state } = await registered();
    const challenged = await webauthn.challenge(env(), state);
    const options = challenged.show['options'] as PublicKeyCredentialRequestOptionsJSON;
    expect(challenged.show['challenge_type']).toBe('webauthn');
    expect(options.rpId).toBe('login.example.com');
    expect(options.userVerification).toBe('preferred');
    expect(options.allowCredentials).toEqual([{ id: authenticator.credentialId, transports: ['usb'], type: 'public-key' }]);
    expect(challenged.pending).toEqual({ data: { challenge: options.challenge }, expiresAtMs: T0 + FIVE_MIN });
    expect(challenged.deliver).toBeNull();
  });

  it('leaves transports out when none were reported (an empty list would rule out every transport)', async () => {
    const { state } = await registered();
    const challenged = await webauthn.challenge(env(), { ...state, transports: [] });
    const options = challenged.show['options'] as PublicKeyCredentialRequestOptionsJSON;
    expect(options.allowCredentials).toEqual([{ id: state['credentialId'], type: 'public-key' }]);
  });

  it('throws on a state without a confirmed credential (corrupt data, not a user error)', async () => {
    await expect(webauthn.challenge(env(), {})).rejects.toThrow(/no confirmed credential/);
  });
});

describe('webauthn.verify', () => {
  it('runs enroll → confirm → challenge → verify, saving each new counter', async () => {
    const { authenticator, state } = await registered();
    const first = await answered(state, authenticator);
    const one = await webauthn.verify(first.e, state, first.pending, { credential: first.credential });
    expect(one).toEqual({ ok: true, state: { ...state, counter: 1 } });
    if (!one.ok) return;
    const second = await answered(one.state, authenticator);
    const two = await webauthn.verify(second.e, one.state, second.pending, { credential: second.credential });
    expect(two).toEqual({ ok: true, state: { ...state, counter: 2 } });
  });

  it('saves a changed backup state', async () => {
    const { authenticator, state } = await registered({ flags: FLAG_UP | FLAG_UV | FLAG_AT | FLAG_BE });
    expect(state).toMatchObject({ deviceType: 'multiDevice', backedUp: false });
    const login = await answered(state, authenticator, { flags: FLAG_UP | FLAG_BE | FLAG_BS });
    const result = await webauthn.verify(login.e, state, login.pending, { credential: login.credential });
    expect(result).toEqual({ ok: true, state: { ...state, counter: 1, backedUp: true } });
  });

  it('answers no_pending_challenge without pending state and expired from its deadline on', async () => {
    const { authenticator, state } = await registered();
    const login = await answered(state, authenticator);
    const pending = login.pending as Pending;
    const proof = { credential: login.credential };
    expect(await webauthn.verify(env(), state, null, proof)).toEqual({ ok: false, reason: 'no_pending_challenge' });
    expect(await webauthn.verify(env({ nowMs: pending.expiresAtMs }), state, pending, proof)).toEqual({ ok: false, reason: 'expired' });
    expect((await webauthn.verify(env({ nowMs: pending.expiresAtMs - 1 }), state, pending, proof)).ok).toBe(true);
  });

  it.each([
    ['an origin not configured (phishing page)', { origin: 'https://evil.test' }],
    ['authenticator data for another RP ID', { rpId: 'evil.test' }],
    ['a challenge other than the pending one', { challenge: 'c29tZS1vdGhlci1jaGFsbGVuZ2U' }],
    ['no user presence', { flags: FLAG_UV }],
  ])('refuses %s as invalid_credential', async (_name, overrides) => {
    const { authenticator, state } = await registered();
    const login = await answered(state, authenticator, overrides);
    expect(await webauthn.verify(login.e, state, login.pending, { credential: login.credential })).toEqual({
      ok: false,
      reason: 'invalid_credential',
    });
  });

  it('accepts an assertion without user verification', async () => {
    const { authenticator, state } = await registered();
    const login = await answered(state, authenticator, { flags: FLAG_UP });
    expect((await webauthn.verify(login.e, state, login.pending, { credential: login.credential })).ok).toBe(true);
  });

  it('refuses a tampered signature and tampered authenticator data', async () => {
    const { authenticator, state } = await registered();
    const login = await answered(state, authenticator);
    const signature = flipLastBit(login.credential.response.signature); // still valid DER, wrong s
    const authData = Buffer.from(login.credential.response.authenticatorData, 'base64url');
    authData[authData.length - 1] = 0x63; // counter 1 → 99, not what was signed
    const tampered: AuthenticationResponseJSON[] = [
      { ...login.credential, response: { ...login.credential.response, signature } },
      { ...login.credential, response: { ...login.credential.response, authenticatorData: authData.toString('base64url') } },
    ];
    for (const credential of tampered) {
      expect(await webauthn.verify(login.e, state, login.pending, { credential })).toEqual({ ok: false, reason: 'invalid_credential' });
    }
    expect((await webauthn.verify(login.e, state, login.pending, { credential: login.credential })).ok).toBe(true);
  });

  it('refuses a valid assertion that names another credential id (the signature does not cover the id)', async () => {
    const { authenticator, state } = await registered();
    const login = await answered(state, authenticator);
    const otherId = new SoftAuthenticator().credentialId;
    const credential = { ...login.credential, id: otherId, rawId: otherId };
    expect(await webauthn.verify(login.e, state, login.pending, { credential })).toEqual({ ok: false, reason: 'invalid_credential' });
  });

  it('refuses another authenticator\'s assertion', async () => {
    const { state } = await registered();
    const { state: otherState, authenticator: other } = await registered();
    const login = await answered(otherState, other);
    expect(await webauthn.verify(login.e, state, login.pending, { credential: login.credential })).toEqual({
      ok: false,
      reason: 'invalid_credential',
    });
  });

  it('refuses a registration response and malformed input as invalid_credential, without throwing', async () => {
    const { authenticator, state } = await registered();
    const login = await answered(state, authenticator);
    const registration = new SoftAuthenticator().register((await startEnroll()).options, { origin: ORIGIN });
    const broken: unknown[] = [
      undefined,
      42,
      [],
      registration,
      { ...login.credential, response: { ...login.credential.response, signature: undefined } },
      { ...login.credential, response: { ...login.credential.response, authenticatorData: 'AA' } },
    ];
    for (const credential of broken) {
      expect(await webauthn.verify(login.e, state, login.pending, { credential })).toEqual({ ok: false, reason: 'invalid_credential' });
    }
  });
});

describe('webauthn.verify: sign counter (WebAuthn §6.1.1)', () => {
  it('refuses a replayed assertion once its counter is saved: counter_regressed', async () => {
    const { authenticator, state } = await registered();
    const login = await answered(state, authenticator);
    const proof = { credential: login.credential };
    const first = await webauthn.verify(login.e, state, login.pending, proof);
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    expect(await webauthn.verify(login.e, first.state, login.pending, proof)).toEqual({ ok: false, reason: 'counter_regressed' });
  });

  it('flags a cloned key that signs a fresh challenge with a counter at or below the stored one', async () => {
    const { authenticator, state } = await registered();
    const clone = authenticator.clone(); // copied at counter 0
    let current = state;
    for (let i = 0; i < 3; i++) {
      const login = await answered(current, authenticator);
      const result = await webauthn.verify(login.e, current, login.pending, { credential: login.credential });
      if (!result.ok) throw new Error(result.reason);
      current = result.state;
    }
    expect(current['counter']).toBe(3);
    for (const signCount of [1, 3]) {
      const login = await answered(current, clone, { signCount });
      expect(await webauthn.verify(login.e, current, login.pending, { credential: login.credential })).toEqual({
        ok: false,
        reason: 'counter_regressed',
      });
    }
    const ahead = await answered(current, clone, { signCount: 4 });
    expect(await webauthn.verify(ahead.e, current, ahead.pending, { credential: ahead.credential })).toMatchObject({
      ok: true,
      state: { counter: 4 },
    });
  });

  it('flags a drop from a non-zero counter to 0, so a clone cannot reset the baseline', async () => {
    const { authenticator, state } = await registered();
    const login = await answered({ ...state, counter: 7 }, authenticator, { signCount: 0 });
    expect(await webauthn.verify(login.e, { ...state, counter: 7 }, login.pending, { credential: login.credential })).toEqual({
      ok: false,
      reason: 'counter_regressed',
    });
  });

  it('accepts authenticators without a counter (always 0), as synced passkeys are', async () => {
    const { authenticator, state } = await registered();
    for (let i = 0; i < 2; i++) {
      const login = await answered(state, authenticator, { signCount: 0 });
      expect(await webauthn.verify(login.e, state, login.pending, { credential: login.credential })).toEqual({
        ok: true,
        state: { ...state, counter: 0 },
      });
    }
  });

  it('lets a forged assertion with a low counter fail as invalid_credential, never as a clone alarm', async () => {
    const { authenticator, state } = await registered();
    const stored = { ...state, counter: 10 };
    const login = await answered(stored, authenticator, { signCount: 2 });
    const credential = {
      ...login.credential,
      response: { ...login.credential.response, signature: flipLastBit(login.credential.response.signature) },
    };
    expect(await webauthn.verify(login.e, stored, login.pending, { credential })).toEqual({ ok: false, reason: 'invalid_credential' });
  });

  it('counterRegressed follows the spec table', () => {
    const rows: Array<[stored: number, next: number, regressed: boolean]> = [
      [0, 0, false],
      [0, 1, false],
      [5, 6, false],
      [5, 5, true],
      [5, 4, true],
      [5, 0, true],
    ];
    for (const [stored, next, regressed] of rows) expect(counterRegressed(stored, next), `${stored} → ${next}`).toBe(regressed);
  });
});

describe('webauthn factor', () => {
  it('is the webauthn type and claims possession and presence, not a hardware-bound key', () => {
    expect(webauthn.type).toBe('webauthn');
    expect(webauthn.amr).toEqual(['pop', 'user']);
  });
});
