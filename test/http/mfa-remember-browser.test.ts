import { describe, expect, it } from 'vitest';
import { MIN_REMEMBERED_DEVICE_ID } from '../../src/risk/scoring/remembered-browser.js';
import { STEP_UP_ACR } from '../../src/risk/scoring/policy.js';
import { KEYS, bearer, testFileConfig } from '../support/app.js';
import { BROWSERS, IP } from '../support/logins.js';
import { useMfaApp, type AssessInput } from '../support/mfa.js';

const DAY_MS = 86_400_000;

/**
 * Remembered browsers (docs/risk-model.md, "Remembered browsers"): a second factor proven with
 * `remember_browser` lets the `always` policy skip that browser, for that application, until its
 * `rememberBrowserDays` have passed; the risk, step-up requests, other browsers and other
 * applications are challenged as ever.
 */
describe('remember this browser', () => {
  const { t, clock, mfa, redis } = useMfaApp({
    file: testFileConfig({
      applications: {
        default: {},
        strict: { mfaPolicy: 'always', rememberBrowserDays: 30, enrollment: 'required' },
        lax: { mfaPolicy: 'always', rememberBrowserDays: 365 },
        off: { mfaPolicy: 'always' },
        risky: { rememberBrowserDays: 30 },
      },
    }),
  });

  /** A device cookie as a login service sets one: random and long enough to be remembered by. */
  const cookie = (name: string) => `${name}-${'x'.repeat(MIN_REMEMBERED_DEVICE_ID)}`;
  const login = (name: string, more: Partial<AssessInput> = {}): AssessInput & { email: string } => ({
    user_id: name,
    email: `${name}@example.com`,
    application: 'strict',
    device_id: cookie(`${name}-laptop`),
    ip: IP.london,
    user_agent: BROWSERS.d1,
    ...more,
  });
  const remembered = (answer: { decision: { remembered_browser?: true } }) => answer.decision.remembered_browser === true;
  const counted = async (application: string, event: string) => {
    const metrics = (await t.app.inject({ url: '/metrics', headers: bearer(KEYS.admin) })).body;
    const line = new RegExp(`^vigil_remembered_browsers_total\\{application="${application}",event="${event}"\\} (\\d+)$`, 'm');
    return Number(line.exec(metrics)?.[1] ?? 0);
  };

  /** Enroll TOTP for `u`'s user (on `u`'s application), then pass a challenge on `u`'s browser; the verify answer. */
  async function verified(u: AssessInput & { email: string }, remember: boolean): Promise<{ answer: Record<string, unknown>; secret: string; recoveryCodes: string[] }> {
    const { secret, recoveryCodes } = await mfa.enrollTotp(u);
    clock.advance(30_000);
    const token = await mfa.token(u);
    const answer = await mfa.ok('/v1/mfa/verify', { mfa_token: token, otp: mfa.totp(secret), remember_browser: remember });
    return { answer, secret, recoveryCodes };
  }

  it('remembers the browser a factor was proven on, and the always policy skips it, saying so and counting it', async () => {
    const skipped = await counted('strict', 'skipped_always');
    const u = login('rb-skip');
    const { answer } = await verified(u, true);
    expect(answer.remembered_until).toBe(new Date(clock.now() + 30 * DAY_MS).toISOString());

    const again = await mfa.assess(u);
    expect(again.decision).toEqual({ action: 'allow', reasons: [], remembered_browser: true });
    expect(again.committed).toBe(true);
    expect(await counted('strict', 'skipped_always')).toBe(skipped + 1);
  });

  it('still challenges other browsers of the user, step-up requests and risky logins on the remembered one', async () => {
    const u = login('rb-limits');
    const { secret } = await verified(u, true);

    const otherBrowser = await mfa.challenged({ ...u, device_id: cookie('rb-limits-phone'), user_agent: BROWSERS.d3 });
    expect(otherBrowser.decision.reasons).toEqual(['mfa_policy_always']);

    const stepUp = await mfa.challenged({ ...u, acr_values: STEP_UP_ACR });
    expect(stepUp.decision.reasons).toEqual(['step_up_requested']);

    // The cookie of the remembered browser, minutes later from the other side of the world.
    const stolen = await mfa.challenged({ ...u, ip: IP.tokyo });
    expect(stolen.risk_assessment.confidence).toBe('low');
    expect(stolen.decision.reasons).not.toContain('mfa_policy_always');
    expect(stolen.decision.reasons.length).toBeGreaterThan(0);
    for (const answer of [otherBrowser, stepUp, stolen]) expect(remembered(answer)).toBe(false);
    // It is a challenge like any other: the user's factor passes it.
    clock.advance(30_000);
    await mfa.ok('/v1/mfa/verify', { mfa_token: stolen.decision.mfa.mfa_token, otp: mfa.totp(secret) });
  });

  it('remembers for the application the factor was proven for, by its days at the time of the login', async () => {
    const lax = login('rb-apps', { application: 'lax' });
    const { answer } = await verified(lax, true);
    expect(answer.remembered_until).toBe(new Date(clock.now() + 365 * DAY_MS).toISOString());
    expect(remembered(await mfa.assess(lax))).toBe(true);
    // The same browser and user on applications it was not remembered for: one with remembering
    // off, one with it on.
    expect((await mfa.challenged({ ...lax, application: 'off' })).decision.reasons).toEqual(['mfa_policy_always']);
    expect((await mfa.challenged({ ...lax, application: 'strict' })).decision.reasons).toEqual(['mfa_policy_always']);
  });

  it('forgets the browser once its days have passed', async () => {
    const u = login('rb-expiry');
    await verified(u, true);
    clock.advance(30 * DAY_MS - 60_000);
    expect(remembered(await mfa.assess(u))).toBe(true);
    clock.advance(60_000);
    expect((await mfa.challenged(u)).decision.reasons).toContain('mfa_policy_always');
  });

  it('remembers nothing unless asked, with remembering off, without a long device_id, or on a failed proof', async () => {
    const before = { off: await counted('off', 'off'), noDevice: await counted('strict', 'no_device') };
    const notAsked = login('rb-not-asked');
    expect((await verified(notAsked, false)).answer.remembered_until).toBeUndefined();
    expect((await mfa.challenged(notAsked)).decision.reasons).toEqual(['mfa_policy_always']);

    const off = login('rb-off', { application: 'off' });
    expect((await verified(off, true)).answer.remembered_until).toBeUndefined();
    expect((await mfa.challenged(off)).decision.reasons).toEqual(['mfa_policy_always']);

    // An adaptive application has no always challenge to skip: remembering there would promise nothing.
    const adaptive = login('rb-adaptive', { application: 'risky', acr_values: STEP_UP_ACR });
    expect((await verified(adaptive, true)).answer.remembered_until).toBeUndefined();

    const { device_id: _, ...cookieless } = login('rb-no-cookie');
    expect((await verified(cookieless, true)).answer.remembered_until).toBeUndefined();
    const short = login('rb-short', { device_id: 'y'.repeat(MIN_REMEMBERED_DEVICE_ID - 1) });
    expect((await verified(short, true)).answer.remembered_until).toBeUndefined();
    expect((await mfa.challenged(short)).decision.reasons).toEqual(['mfa_policy_always']);
    const justLongEnough = login('rb-22', { device_id: 'z'.repeat(MIN_REMEMBERED_DEVICE_ID) });
    expect((await verified(justLongEnough, true)).answer.remembered_until).toEqual(expect.any(String));
    expect(await counted('off', 'off')).toBe(before.off + 1);
    expect(await counted('risky', 'off')).toBe(1);
    expect(await counted('strict', 'no_device')).toBe(before.noDevice + 2);

    const wrong = login('rb-wrong');
    const { secret } = await mfa.enrollTotp(wrong);
    clock.advance(30_000);
    const token = await mfa.token(wrong);
    expect((await mfa.post('/v1/mfa/verify', { mfa_token: token, otp: mfa.wrongTotp(secret), remember_browser: true })).statusCode).toBe(403);
    expect((await mfa.challenged(wrong)).decision.reasons).toEqual(['mfa_policy_always']);
  });

  it('a recovery code proves no factor and remembers nothing', async () => {
    const u = login('rb-recovery');
    const { recoveryCodes } = await mfa.enrollTotp(u);
    const used = await mfa.ok('/v1/mfa/verify', { mfa_token: await mfa.token(u), recovery_code: recoveryCodes[0], remember_browser: true });
    expect(used.authenticator_type).toBe('recovery-code');
    expect(used.remembered_until).toBeUndefined();
    expect((await mfa.challenged(u)).decision.reasons).toEqual(['mfa_policy_always']);
  });

  it('remembers the browser a first factor was enrolled on, when asked with the confirmation', async () => {
    for (const application of ['strict', 'lax']) {
      // strict requires the enrollment, so the confirmation finishes the login; lax finished it with the email.
      const u = login(`rb-enroll-${application}`, { application });
      const token = await mfa.token(u);
      await mfa.verifyEmail(token, u.email);
      const assoc = await mfa.ok('/v1/mfa/associate', { mfa_token: token, authenticator_type: 'otp' });
      const confirmed = await mfa.ok('/v1/mfa/associate/confirm', { mfa_token: token, authenticator_id: assoc.authenticator_id, otp: mfa.totp(assoc.secret), remember_browser: true });
      expect(confirmed.remembered_until).toEqual(expect.any(String));
      expect(remembered(await mfa.assess(u))).toBe(true);
    }
  });

  it('an admin forgets every remembered browser of a user, and so do removing a factor and an MFA reset', async () => {
    const admin = (path: string, key: string = KEYS.admin) => t.app.inject({ method: 'DELETE', url: `/v1/admin/users/${path}`, headers: bearer(key) });
    const u = login('rb-forget');
    const { secret } = await verified(u, true);
    clock.advance(30_000);
    const desk = { ...u, device_id: cookie('rb-forget-desk') };
    await mfa.ok('/v1/mfa/verify', { mfa_token: await mfa.token(desk), otp: mfa.totp(secret), remember_browser: true });
    expect(remembered(await mfa.assess(desk))).toBe(true);

    // API client keys cannot.
    expect((await admin('rb-forget/remembered-browsers', KEYS.web)).statusCode).toBe(401);
    const res = await admin('rb-forget/remembered-browsers');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ forgotten: 2 });
    expect((await mfa.challenged(u)).decision.reasons).toEqual(['mfa_policy_always']);
    expect((await mfa.challenged(desk)).decision.reasons).toEqual(['mfa_policy_always']);
    expect((await admin('rb-forget/remembered-browsers')).json()).toEqual({ forgotten: 0 });

    // A lost phone: its authenticator goes, and so do the browsers remembered meanwhile, though
    // the user keeps another factor (email codes).
    const r = login('rb-remove');
    const { answer, secret: rSecret } = await verified(r, true);
    clock.advance(30_000);
    const other = await mfa.token({ ...r, device_id: cookie('rb-remove-other') });
    await mfa.ok('/v1/mfa/verify', { mfa_token: other, otp: mfa.totp(rSecret) });
    const email = await mfa.ok('/v1/mfa/associate', { mfa_token: other, authenticator_type: 'email' });
    await mfa.ok('/v1/mfa/associate/confirm', { mfa_token: other, authenticator_id: email.authenticator_id, binding_code: await mfa.codeFor(r.email) });
    expect(remembered(await mfa.assess(r))).toBe(true);
    const otpId = (await t.app.inject({ url: '/v1/admin/users/rb-remove/authenticators', headers: bearer(KEYS.admin) })).json().find((a: { authenticator_type: string }) => a.authenticator_type === 'otp').id;
    expect((await admin(`rb-remove/authenticators/${otpId}`)).statusCode).toBe(200);
    const afterRemoval = await mfa.challenged(r);
    expect(afterRemoval.decision).toMatchObject({ reasons: ['mfa_policy_always'], mfa: { enrolled: true, factors: expect.arrayContaining(['email']) } });
    expect(answer.remembered_until).toEqual(expect.any(String));

    const z = login('rb-reset');
    await verified(z, true);
    const fields = async (userId: string) => (await redis.client().hkeys(`vigil:{u:${userId}}:mfa`)).filter((f) => f.startsWith('rb:'));
    expect(await fields('rb-reset')).toHaveLength(1);
    expect((await admin('rb-reset/mfa')).statusCode).toBe(200);
    expect(await fields('rb-reset')).toEqual([]);
    const afterReset = await mfa.challenged(z);
    expect(afterReset.decision.mfa).toMatchObject({ enrolled: false, step: 'email_verification' });
  });
});
