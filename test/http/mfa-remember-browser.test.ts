import { describe, expect, it } from 'vitest';
import { STEP_UP_ACR } from '../../src/risk/scoring/policy.js';
import { KEYS, bearer, testFileConfig } from '../support/app.js';
import { BROWSERS, IP } from '../support/logins.js';
import { totpAt, useMfaApp, type AssessInput } from '../support/mfa.js';

const DAY_MS = 86_400_000;

/**
 * Remembered browsers (docs/risk-model.md, "Remembered browsers"): a second factor proven with
 * `remember_browser` lets the `always` policy skip that browser until `rememberBrowserDays` have
 * passed; the risk, step-up requests and other browsers are challenged as ever.
 */
describe('remember this browser', () => {
  const { t, clock, mfa } = useMfaApp({
    file: testFileConfig({
      applications: {
        default: {},
        strict: { mfaPolicy: 'always', rememberBrowserDays: 30, enrollment: 'required' },
        off: { mfaPolicy: 'always' },
      },
    }),
  });

  const login = (name: string, more: Partial<AssessInput> = {}): AssessInput & { email: string } => ({
    user_id: name,
    email: `${name}@example.com`,
    application: 'strict',
    device_id: `${name}-laptop`,
    ip: IP.london,
    user_agent: BROWSERS.d1,
    ...more,
  });

  /** Enroll TOTP for the user of `u`, then pass a challenge on `u`'s browser; the verify answer. */
  async function verified(u: AssessInput & { email: string }, remember: boolean): Promise<{ answer: Record<string, unknown>; secret: string }> {
    const { secret } = await mfa.enrollTotp(u);
    clock.advance(30_000);
    const token = await mfa.token(u);
    const answer = await mfa.ok('/v1/mfa/verify', { mfa_token: token, otp: mfa.totp(secret), remember_browser: remember });
    return { answer, secret };
  }

  it('remembers the browser a factor was proven on, and the always policy skips it, saying so', async () => {
    const u = login('rb-skip');
    const { answer } = await verified(u, true);
    expect(answer.remembered_until).toBe(new Date(clock.now() + 30 * DAY_MS).toISOString());

    const again = await mfa.assess(u);
    expect(again.decision).toEqual({ action: 'allow', reasons: [], remembered_browser: true });
    expect(again.committed).toBe(true);
  });

  it('still challenges other browsers of the user, step-up requests and risky logins on the remembered one', async () => {
    const u = login('rb-limits');
    const { secret } = await verified(u, true);

    const otherBrowser = await mfa.challenged({ ...u, device_id: 'rb-limits-phone', user_agent: BROWSERS.d3 });
    expect(otherBrowser.decision.reasons).toEqual(['mfa_policy_always']);
    expect(otherBrowser.decision.remembered_browser).toBeUndefined();

    const stepUp = await mfa.challenged({ ...u, acr_values: STEP_UP_ACR });
    expect(stepUp.decision.reasons).toEqual(['step_up_requested']);
    expect(stepUp.decision.remembered_browser).toBe(true);

    // The cookie of the remembered browser, minutes later from the other side of the world.
    const stolen = await mfa.challenged({ ...u, ip: IP.tokyo });
    expect(stolen.risk_assessment.confidence).toBe('low');
    expect(stolen.decision.reasons).not.toContain('mfa_policy_always');
    expect(stolen.decision.reasons.length).toBeGreaterThan(0);
    expect(stolen.decision.remembered_browser).toBe(true);
    // It is a challenge like any other: the user's factor passes it.
    clock.advance(30_000);
    await mfa.ok('/v1/mfa/verify', { mfa_token: stolen.decision.mfa.mfa_token, otp: totpAt(secret, clock.now()) });
  });

  it('forgets the browser once its days have passed', async () => {
    const u = login('rb-expiry');
    await verified(u, true);
    clock.advance(30 * DAY_MS - 60_000);
    expect((await mfa.assess(u)).decision.remembered_browser).toBe(true);
    clock.advance(60_000);
    const later = await mfa.challenged(u);
    expect(later.decision.reasons).toContain('mfa_policy_always');
    expect(later.decision.remembered_browser).toBeUndefined();
  });

  it('remembers nothing unless asked, when the application has it off, or without a device_id', async () => {
    const notAsked = login('rb-not-asked');
    expect((await verified(notAsked, false)).answer.remembered_until).toBeUndefined();
    expect((await mfa.challenged(notAsked)).decision.reasons).toEqual(['mfa_policy_always']);

    const off = login('rb-off', { application: 'off' });
    expect((await verified(off, true)).answer.remembered_until).toBeUndefined();
    expect((await mfa.challenged(off)).decision.reasons).toEqual(['mfa_policy_always']);

    const { device_id: _, ...cookieless } = login('rb-no-cookie');
    expect((await verified(cookieless, true)).answer.remembered_until).toBeUndefined();
    expect((await mfa.challenged(cookieless)).decision.reasons).toEqual(['mfa_policy_always']);
  });

  it('remembers the browser a first factor was enrolled on, when asked with the confirmation', async () => {
    const u = login('rb-enroll');
    const token = await mfa.token(u);
    await mfa.verifyEmail(token, u.email);
    const assoc = await mfa.ok('/v1/mfa/associate', { mfa_token: token, authenticator_type: 'otp' });
    const confirmed = await mfa.ok('/v1/mfa/associate/confirm', {
      mfa_token: token,
      authenticator_id: assoc.authenticator_id,
      otp: mfa.totp(assoc.secret),
      remember_browser: true,
    });
    expect(confirmed.remembered_until).toBe(new Date(clock.now() + 30 * DAY_MS).toISOString());
    expect((await mfa.assess(u)).decision).toMatchObject({ action: 'allow', remembered_browser: true });
  });

  it('an admin forgets every remembered browser of a user, and so does an MFA reset', async () => {
    const forget = (userId: string, what: string) => t.app.inject({ method: 'DELETE', url: `/v1/admin/users/${userId}/${what}`, headers: bearer(KEYS.admin) });
    const u = login('rb-forget');
    const { secret } = await verified(u, true);
    clock.advance(30_000);
    const laptop2 = { ...u, device_id: 'rb-forget-desk' };
    const token = await mfa.token(laptop2);
    await mfa.ok('/v1/mfa/verify', { mfa_token: token, otp: mfa.totp(secret), remember_browser: true });
    expect((await mfa.assess(laptop2)).decision.remembered_browser).toBe(true);

    // API client keys cannot.
    expect((await t.app.inject({ method: 'DELETE', url: '/v1/admin/users/rb-forget/remembered-browsers', headers: bearer(KEYS.web) })).statusCode).toBe(401);
    const res = await forget('rb-forget', 'remembered-browsers');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ forgotten: 2 });
    expect((await mfa.challenged(u)).decision.reasons).toEqual(['mfa_policy_always']);
    expect((await mfa.challenged(laptop2)).decision.reasons).toEqual(['mfa_policy_always']);
    expect((await forget('rb-forget', 'remembered-browsers')).json()).toEqual({ forgotten: 0 });

    const r = login('rb-reset');
    await verified(r, true);
    expect((await forget('rb-reset', 'mfa')).statusCode).toBe(200);
    const afterReset = await mfa.challenged(r);
    expect(afterReset.decision.remembered_browser).toBeUndefined();
    expect(afterReset.decision.mfa).toMatchObject({ enrolled: false, step: 'email_verification' });
  });

  it('counts what it remembered and what it skipped', async () => {
    const metrics = (await t.app.inject({ url: '/metrics', headers: bearer(KEYS.admin) })).body;
    const count = (event: string, application = 'strict') =>
      Number(new RegExp(`^vigil_remembered_browsers_total\\{application="${application}",event="${event}"\\} (\\d+)$`, 'm').exec(metrics)?.[1] ?? 0);
    expect(count('remembered')).toBeGreaterThanOrEqual(6);
    expect(count('skipped_always')).toBeGreaterThanOrEqual(5);
    expect(count('refused', 'off')).toBe(1);
  });
});
