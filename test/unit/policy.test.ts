import { describe, expect, it } from 'vitest';
import type { Assessment, AssessorName } from '../../src/risk/assessors/types.js';
import type { ApplicationConfig, DenyRule } from '../../src/config.js';
import { MFA_UNAVAILABLE, STEP_UP_ACR, challengeUnavailable, decide, type DecideInput } from '../../src/risk/scoring/policy.js';
import { results } from './scoring-fixtures.js';

const adaptive: ApplicationConfig = { mfaPolicy: 'adaptive', challengeOn: ['low'], enrollment: 'optional', rememberBrowserDays: 0 };
const FACTORS = ['otp', 'email', 'recovery-code'];

function base(p: Partial<DecideInput> = {}): DecideInput {
  return {
    application: adaptive,
    applicationName: 'web',
    confidence: 'high',
    results: results('high', 'high', 'high'),
    acrValues: null,
    denyRules: [],
    mfa: { enrolled: true, factors: FACTORS },
    email: 'a@example.com',
    rememberedBrowser: false,
    ...p,
  };
}

const rule = (name: string, allOf: DenyRule['allOf'], applications: string[] = []): DenyRule => ({ name, allOf, applications });

/** UntrustedIP found on a list: most severe category `reputation`, an `abuse` hit further down. */
const listed: Assessment = {
  confidence: 'low',
  code: 'found_on_deny_list',
  details: {
    ip: '203.0.113.7',
    matches: [
      { network: '203.0.113.0/24', source: 'firehol', category: 'reputation' },
      { network: '203.0.113.7', source: 'traffic', category: 'abuse' },
    ],
    source: 'firehol',
    category: 'reputation',
  },
};
const withListed = (r = results('high', 'high', 'high')): Record<AssessorName, Assessment> => ({ ...r, UntrustedIP: listed });

describe('decide: deny rules', () => {
  it('denies on a category in details.category', () => {
    const d = decide(base({ results: withListed(), denyRules: [rule('bad-rep', [{ category: 'reputation' }])] }));
    expect(d).toEqual({ action: 'deny', reasons: ['deny_rule:bad-rep', 'found_on_deny_list'] });
  });

  it('denies on a category found only in details.matches[]', () => {
    const d = decide(base({ results: withListed(), denyRules: [rule('abuse', [{ category: 'abuse' }])] }));
    expect(d).toEqual({ action: 'deny', reasons: ['deny_rule:abuse', 'found_on_deny_list'] });
  });

  it('does not deny on a category no assessment carries', () => {
    const d = decide(base({ results: withListed(), denyRules: [rule('dc', [{ category: 'datacenter' }])] }));
    expect(d.action).not.toBe('deny');
  });

  it('needs every allOf condition, and lists the codes each matched', () => {
    const r = withListed(results('low', 'low', 'high'));
    const both = rule('travel-and-list', [{ assessor: 'ImpossibleTravel', code: 'impossible_travel_from_last_login' }, { category: 'abuse' }]);
    expect(decide(base({ results: r, confidence: 'low', denyRules: [both] }))).toEqual({
      action: 'deny',
      reasons: ['deny_rule:travel-and-list', 'impossible_travel_from_last_login', 'found_on_deny_list'],
    });
    const onlyOne = rule('travel-and-dc', [{ code: 'impossible_travel_from_last_login' }, { category: 'datacenter' }]);
    expect(decide(base({ results: r, confidence: 'low', denyRules: [onlyOne] })).action).toBe('challenge');
  });

  it('needs all fields of one condition to hold on the same assessment', () => {
    // NewDevice is low and ImpossibleTravel is high, but no single assessment is ImpossibleTravel + low.
    const r = results('low', 'high', 'high');
    const d = decide(base({ results: r, denyRules: [rule('x', [{ assessor: 'ImpossibleTravel', confidence: 'low' }])] }));
    expect(d.action).toBe('allow');
    const hit = decide(base({ results: r, denyRules: [rule('y', [{ assessor: 'NewDevice', confidence: 'low' }])] }));
    expect(hit).toEqual({ action: 'deny', reasons: ['deny_rule:y', 'no_match'] });
  });

  it('lists each matched code once, in assessor order', () => {
    const r = results('low', 'low', 'low');
    expect(decide(base({ results: r, denyRules: [rule('all-low', [{ confidence: 'low' }])] })).reasons).toEqual([
      'deny_rule:all-low',
      'no_match',
      'impossible_travel_from_last_login',
      'found_on_deny_list',
    ]);
    const initial = results('neutral', 'neutral', 'high');
    expect(decide(base({ results: initial, denyRules: [rule('first', [{ code: 'initial_login' }])] })).reasons).toEqual([
      'deny_rule:first',
      'initial_login',
    ]);
  });

  it('applies a rule only to the applications it names', () => {
    const rules = [rule('admin-only', [{ category: 'abuse' }], ['admin'])];
    expect(decide(base({ results: withListed(), denyRules: rules })).action).toBe('allow');
    expect(decide(base({ results: withListed(), denyRules: rules, applicationName: 'admin' })).reasons[0]).toBe('deny_rule:admin-only');
  });

  it('uses the first matching rule in config order', () => {
    const rules = [rule('no-hit', [{ category: 'datacenter' }]), rule('second', [{ category: 'abuse' }]), rule('third', [{ code: 'match' }])];
    expect(decide(base({ results: withListed(), denyRules: rules })).reasons[0]).toBe('deny_rule:second');
  });

  it('comes before step-up and before the MFA branches', () => {
    const d = decide(
      base({
        results: withListed(),
        denyRules: [rule('r', [{ category: 'abuse' }])],
        acrValues: STEP_UP_ACR,
        application: { ...adaptive, mfaPolicy: 'always' },
        mfa: { enrolled: false, factors: [] },
        email: null,
      }),
    );
    expect(d).toEqual({ action: 'deny', reasons: ['deny_rule:r', 'found_on_deny_list'] });
  });
});

describe('decide: when MFA is due', () => {
  it('adaptive, confidence not in challengeOn → allow with no reasons', () => {
    expect(decide(base({ confidence: 'medium', results: results('high', 'medium', 'high') }))).toEqual({ action: 'allow', reasons: [] });
  });

  it('adaptive low → challenge; reasons are low codes, then medium codes', () => {
    const d = decide(base({ confidence: 'low', results: results('medium', 'low', 'low') }));
    expect(d).toEqual({
      action: 'challenge',
      reasons: ['impossible_travel_from_last_login', 'found_on_deny_list', 'partial_match'],
      mfa: { enrolled: true, step: 'challenge', factors: FACTORS },
    });
  });

  it('adaptive lists a code shared by two assessors once', () => {
    const r = {
      ...results('high', 'high', 'high'),
      NewDevice: { confidence: 'low', code: 'assessment_not_available' },
      ImpossibleTravel: { confidence: 'low', code: 'assessment_not_available' },
    } as Record<AssessorName, Assessment>;
    expect(decide(base({ confidence: 'low', results: r })).reasons).toEqual(['assessment_not_available']);
  });

  it('adaptive honours challengeOn', () => {
    const app = { ...adaptive, challengeOn: ['low', 'medium'] as ApplicationConfig['challengeOn'] };
    const d = decide(base({ application: app, confidence: 'medium', results: results('high', 'medium', 'neutral') }));
    expect(d.action).toBe('challenge');
    expect(d.reasons).toEqual(['substantial_travel_from_last_login']);
  });

  it('adaptive falls back to confidence_<level> when no assessment is low or medium', () => {
    const app = { ...adaptive, challengeOn: ['neutral'] as ApplicationConfig['challengeOn'] };
    const d = decide(base({ application: app, confidence: 'neutral', results: results('neutral', 'neutral', 'high') }));
    expect(d.action).toBe('challenge');
    expect(d.reasons).toEqual(['confidence_neutral']);
  });

  it('always → challenge with mfa_policy_always, even at high confidence', () => {
    const d = decide(base({ application: { ...adaptive, mfaPolicy: 'always' }, confidence: 'high' }));
    expect(d).toEqual({ action: 'challenge', reasons: ['mfa_policy_always'], mfa: { enrolled: true, step: 'challenge', factors: FACTORS } });
  });

  it('never → allow, even at low confidence', () => {
    const d = decide(base({ application: { ...adaptive, mfaPolicy: 'never' }, confidence: 'low', results: results('low', 'low', 'low') }));
    expect(d).toEqual({ action: 'allow', reasons: [] });
  });

  it('step-up wins over never', () => {
    const d = decide(base({ application: { ...adaptive, mfaPolicy: 'never' }, acrValues: STEP_UP_ACR }));
    expect(d.action).toBe('challenge');
    expect(d.reasons).toEqual(['step_up_requested']);
  });

  it('finds step-up among space-separated acr_values', () => {
    const d = decide(base({ acrValues: `urn:mace:incommon:iap:silver  ${STEP_UP_ACR}\tphr` }));
    expect(d.reasons).toEqual(['step_up_requested']);
  });

  it('does not take a value that merely contains the step-up ACR as a request', () => {
    expect(decide(base({ acrValues: `${STEP_UP_ACR}-physical` })).action).toBe('allow');
    expect(decide(base({ acrValues: '' })).action).toBe('allow');
  });

  it('gives every reason that applies: policy, step-up, risk', () => {
    const always = decide(base({ application: { ...adaptive, mfaPolicy: 'always' }, acrValues: STEP_UP_ACR }));
    expect(always.reasons).toEqual(['mfa_policy_always', 'step_up_requested']);
    const risky = decide(base({ acrValues: STEP_UP_ACR, confidence: 'low', results: results('high', 'low', 'high') }));
    expect(risky.reasons).toEqual(['step_up_requested', 'impossible_travel_from_last_login']);
  });
});

describe('decide: who is challenged how', () => {
  const due = { confidence: 'low' as const, results: results('low', 'high', 'high') };

  it('unenrolled with an email → email_verification, enrollment per application', () => {
    for (const enrollment of ['optional', 'required'] as const) {
      const d = decide(base({ ...due, application: { ...adaptive, enrollment }, mfa: { enrolled: false, factors: [] } }));
      expect(d).toEqual({
        action: 'challenge',
        reasons: ['no_match'],
        mfa: { enrolled: false, step: 'email_verification', enrollment, factors: ['email'] },
      });
    }
  });

  // A mailbox cannot answer a step-up (docs/security.md, item 9): the email step leads to enrollment.
  it('unenrolled with an email and a step-up request → email_verification, enrollment required whatever the application says', () => {
    const d = decide(base({ application: { ...adaptive, enrollment: 'optional' }, acrValues: STEP_UP_ACR, mfa: { enrolled: false, factors: [] } }));
    expect(d).toEqual({
      action: 'challenge',
      reasons: ['step_up_requested'],
      mfa: { enrolled: false, step: 'email_verification', enrollment: 'required', factors: ['email'] },
    });
  });

  it('unenrolled without an email → deny with email_required', () => {
    for (const email of [null, '', '  ']) {
      const d = decide(base({ ...due, email, mfa: { enrolled: false, factors: [] } }));
      expect(d).toEqual({ action: 'deny', reasons: ['no_match', 'email_required'] });
    }
  });

  it('enrolled without an email is still challenged with their factors', () => {
    const d = decide(base({ ...due, email: null, mfa: { enrolled: true, factors: ['otp'] } }));
    expect(d).toEqual({ action: 'challenge', reasons: ['no_match'], mfa: { enrolled: true, step: 'challenge', factors: ['otp'] } });
  });

  it('an unenrolled user with no MFA due is allowed, email or not', () => {
    expect(decide(base({ email: null, mfa: { enrolled: false, factors: [] } }))).toEqual({ action: 'allow', reasons: [] });
  });
});

describe('decide without the MFA state (docs/operations.md, "11. A fail-closed challenge could not be completed")', () => {
  const low = { confidence: 'low' as const, results: results('low', 'low', 'high') };

  it('a due challenge is an explicit deny with mfa_unavailable, never a challenge claiming the user is unenrolled', () => {
    expect(decide(base({ ...low, mfa: null }))).toEqual({ action: 'deny', reasons: [...decide(base(low)).reasons, MFA_UNAVAILABLE] });
    expect(decide(base({ ...low, mfa: null, email: null })).reasons).toContain(MFA_UNAVAILABLE);
  });

  it('changes nothing where no challenge is due, and deny rules still come first', () => {
    expect(decide(base({ mfa: null }))).toEqual({ action: 'allow', reasons: [] });
    const denied = decide(base({ ...low, mfa: null, denyRules: [rule('all-low', [{ confidence: 'low' }])] }));
    expect(denied.reasons[0]).toBe('deny_rule:all-low');
    expect(denied.reasons).not.toContain(MFA_UNAVAILABLE);
  });

  it('challengeUnavailable turns a challenge that could not be set up into that deny', () => {
    const challenge = decide(base(low));
    expect(challenge.action).toBe('challenge');
    expect(challengeUnavailable(challenge)).toEqual({ action: 'deny', reasons: [...challenge.reasons, MFA_UNAVAILABLE] });
  });
});

describe('decide: remembered browsers', () => {
  const always = { ...adaptive, mfaPolicy: 'always' as const, rememberBrowserDays: 30 };
  const low = { confidence: 'low' as const, results: results('low', 'low', 'high') };

  it('a remembered browser stands in for the always challenge, and says so', () => {
    expect(decide(base({ application: always, rememberedBrowser: true }))).toEqual({ action: 'allow', reasons: [], remembered_browser: true });
    expect(decide(base({ application: always, rememberedBrowser: false })).action).toBe('challenge');
  });

  it('never stands in for a risk challenge: always is then applied as adaptive', () => {
    const d = decide(base({ ...low, application: always, rememberedBrowser: true }));
    expect(d).toEqual(decide(base(low)));
    expect(d.reasons).not.toContain('mfa_policy_always');
    expect(d.remembered_browser).toBeUndefined();
  });

  it('never stands in for a step-up request, and leaves adaptive and never alone', () => {
    const stepUp = decide(base({ application: always, rememberedBrowser: true, acrValues: STEP_UP_ACR }));
    expect(stepUp).toMatchObject({ action: 'challenge', reasons: ['step_up_requested'] });
    expect(stepUp.remembered_browser).toBeUndefined();
    expect(decide(base({ ...low, rememberedBrowser: true }))).toEqual(decide(base(low)));
    expect(decide(base({ application: { ...adaptive, mfaPolicy: 'never' }, rememberedBrowser: true }))).toEqual({ action: 'allow', reasons: [] });
  });

  it('not for a user without a factor, nor when the MFA state did not load', () => {
    const unenrolled = decide(base({ application: always, rememberedBrowser: true, mfa: { enrolled: false, factors: [] } }));
    expect(unenrolled).toMatchObject({ action: 'challenge', reasons: ['mfa_policy_always'], mfa: { step: 'email_verification' } });
    expect(decide(base({ application: always, rememberedBrowser: true, mfa: null }))).toEqual({ action: 'deny', reasons: ['mfa_policy_always', MFA_UNAVAILABLE] });
  });

  it('deny rules still come first', () => {
    const d = decide(base({ ...low, application: always, rememberedBrowser: true, denyRules: [rule('all-low', [{ confidence: 'low' }])] }));
    expect(d.action).toBe('deny');
    expect(d.reasons[0]).toBe('deny_rule:all-low');
    expect(d.remembered_browser).toBeUndefined();
  });
});
