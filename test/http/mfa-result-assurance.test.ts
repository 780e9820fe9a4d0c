import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MULTI_FACTOR_ACR } from '../../src/mfa/assurance.js';
import { factors } from '../../src/mfa/factors.js';
import { STEP_UP_ACR } from '../../src/risk/scoring/policy.js';
import { testFileConfig } from '../support/app.js';
import { ORIGIN, useMfaApp, type AssessInput, type Json } from '../support/mfa.js';
import { SoftAuthenticator } from '../support/soft-authenticator.js';

/**
 * Regression (issue 17, item 9): the result of the email verification of an unenrolled user
 * carried `amr: ["mfa","otp"]` and the multi-factor `acr`, the same as a TOTP: a login service
 * asking for step-up would have accepted a proven mailbox as a second factor. Each MFA path now
 * says what it proved, as the table "Result tokens per MFA path" in docs/security.md documents;
 * this test checks every row of that table against what the path yields.
 */

/** The table's rows: path id → documented amr and acr. */
function documentedRows(): Map<string, { amr: string[]; acr: string }> {
  const doc = readFileSync('docs/security.md', 'utf8');
  const section = doc.slice(doc.indexOf('### Result tokens per MFA path'));
  const rows = new Map<string, { amr: string[]; acr: string }>();
  for (const m of section.matchAll(/^\| `([a-z-]+)` \|[^|\n]*\| `(\[[^`]*\])` \| `([^`]+)` \|/gm)) {
    rows.set(m[1]!, { amr: JSON.parse(m[2]!) as string[], acr: m[3]! });
  }
  return rows;
}

describe('amr and acr of each MFA path', () => {
  const { clock, mfa } = useMfaApp({
    file: testFileConfig({
      applications: { default: { mfaPolicy: 'always' }, strict: { mfaPolicy: 'always', enrollment: 'required' } },
      mfa: { webauthn: { rpId: 'localhost', origins: [ORIGIN] } },
    }),
  });
  const rows = documentedRows();
  const user = (name: string): AssessInput & { email: string } => ({ user_id: name, email: `${name}@example.com` });

  /** The answer and the signed claims agree, and match the documented row. */
  async function expectRow(id: string, answer: Json, audience = 'default'): Promise<void> {
    const row = rows.get(id);
    expect(row, `docs/security.md has a row for \`${id}\``).toBeDefined();
    expect({ amr: answer.amr, acr: answer.acr }, id).toEqual(row);
    const claims = await mfa.resultClaims(answer.result_token, audience);
    expect({ amr: claims.amr, acr: claims.acr }, `${id} (signed)`).toEqual(row);
  }

  it('documents every path, and no multi-factor acr or `mfa` for a mailbox proven by an unenrolled user', () => {
    expect([...rows.keys()].sort()).toEqual(['email', 'email-verification', 'enrollment', 'otp', 'recovery-code', 'sms', 'voice', 'webauthn']);
    expect(MULTI_FACTOR_ACR).toBe(STEP_UP_ACR);
    const mailbox = rows.get('email-verification')!;
    expect(mailbox.amr).not.toContain('mfa');
    expect(mailbox.acr).not.toBe(STEP_UP_ACR);
    for (const id of ['email', 'enrollment', 'otp', 'recovery-code', 'sms', 'voice', 'webauthn']) expect(rows.get(id)?.acr, id).toBe(MULTI_FACTOR_ACR);
  });

  it('email verification of an unenrolled user proves a mailbox, not a second factor', async () => {
    const u = user('amr-mailbox');
    const token = await mfa.token(u);
    const done = await mfa.verifyEmail(token, u.email);
    expect(done).toMatchObject({ email_verified: true, next: 'done' });
    expect(done.amr).not.toContain('mfa');
    expect(done.acr).not.toBe(STEP_UP_ACR);
    await expectRow('email-verification', done);
  });

  it('a step-up request turns the email step of an unenrolled user into an enrollment, whose result is multi-factor', async () => {
    const u = { ...user('amr-step-up'), acr_values: STEP_UP_ACR };
    const token = await mfa.token(u);
    expect(await mfa.verifyEmail(token, u.email)).toEqual({ email_verified: true, next: 'enroll', enrollment: 'required' });
    const assoc = await mfa.ok('/v1/mfa/associate', { mfa_token: token, authenticator_type: 'otp' });
    const confirmed = await mfa.ok('/v1/mfa/associate/confirm', { mfa_token: token, authenticator_id: assoc.authenticator_id, otp: mfa.totp(assoc.secret) });
    await expectRow('enrollment', confirmed);
  });

  it('TOTP, recovery code, enrolled email and WebAuthn each give their row', async () => {
    const u = { ...user('amr-factors'), application: 'strict' };
    const { secret, recoveryCodes } = await mfa.enrollTotp(u);
    clock.advance(30_000);
    const token = await mfa.token(u);
    await expectRow('otp', await mfa.ok('/v1/mfa/verify', { mfa_token: token, otp: mfa.totp(secret) }), 'strict');
    await expectRow('recovery-code', await mfa.ok('/v1/mfa/verify', { mfa_token: await mfa.token(u), recovery_code: recoveryCodes[0] }), 'strict');

    // Add the email factor and a security key on a login proven by TOTP.
    clock.advance(30_000);
    const adding = await mfa.token(u);
    await mfa.ok('/v1/mfa/verify', { mfa_token: adding, otp: mfa.totp(secret) });
    const emailAssoc = await mfa.ok('/v1/mfa/associate', { mfa_token: adding, authenticator_type: 'email' });
    await mfa.ok('/v1/mfa/associate/confirm', { mfa_token: adding, authenticator_id: emailAssoc.authenticator_id, binding_code: await mfa.codeFor(u.email) });
    const key = new SoftAuthenticator();
    const keyAssoc = await mfa.ok('/v1/mfa/associate', { mfa_token: adding, authenticator_type: 'webauthn' });
    await mfa.ok('/v1/mfa/associate/confirm', { mfa_token: adding, authenticator_id: keyAssoc.authenticator_id, credential: key.register(keyAssoc.options, { origin: ORIGIN }) });

    const byEmail = await mfa.token(u);
    await mfa.ok('/v1/mfa/challenge', { mfa_token: byEmail, challenge_type: 'oob' });
    await expectRow('email', await mfa.ok('/v1/mfa/verify', { mfa_token: byEmail, binding_code: await mfa.codeFor(u.email) }), 'strict');

    const byKey = await mfa.token(u);
    const options = await mfa.webauthnOptions(byKey);
    await expectRow('webauthn', await mfa.ok('/v1/mfa/verify', { mfa_token: byKey, credential: key.authenticate(options, { origin: ORIGIN }) }), 'strict');
  });

  it('SMS and voice rows name what their factors prove (their flows run in test/http/mfa-phone.test.ts)', () => {
    expect(rows.get('sms')?.amr).toEqual(['mfa', ...factors.sms.amr]);
    expect(rows.get('voice')?.amr).toEqual(['mfa', ...factors.voice.amr]);
  });
});
