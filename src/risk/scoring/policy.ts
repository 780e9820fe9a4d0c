import { ASSESSOR_NAMES, type Assessment, type AssessorName, type Confidence } from '../assessors/types.js';
import type { ApplicationConfig, DenyRule } from '../../config.js';

/**
 * The `acr_values` entry that asks for multi-factor authentication whatever the score (OpenID
 * Provider Authentication Policy Extension 1.0, "Multi-Factor"); docs/risk-model.md, "Policy".
 */
export const STEP_UP_ACR = 'http://schemas.openid.net/pape/policies/2007/06/multi-factor';

/** What the login service should do, and why. `mfa` is present when `action` is `challenge`. */
export type Decision = {
  action: 'allow' | 'challenge' | 'deny';
  reasons: string[];
  /** A remembered browser is why the `always` policy did not challenge this login (docs/risk-model.md, "Remembered browsers"). */
  remembered_browser?: true;
  mfa?: {
    enrolled: boolean;
    step: 'email_verification' | 'challenge';
    enrollment?: 'optional' | 'required';
    factors: string[];
    /** Set by the service when the challenge can proceed (the MFA module's session token). */
    mfa_token?: string;
  };
};

/** Everything {@link decide} reads; all of it already loaded, overridden and combined. */
export interface DecideInput {
  application: ApplicationConfig;
  applicationName: string;
  /** The combined confidence. */
  confidence: Confidence;
  /** What raised the risk, most first, when the combiner says (`evidence` mode); else the assessments' codes are used. */
  riskReasons?: readonly string[] | undefined;
  /** Per-assessor results after overrides. */
  results: Record<AssessorName, Assessment>;
  acrValues: string | null;
  denyRules: DenyRule[];
  /**
   * The user's MFA state as loaded with the history; null when it could not be loaded (Redis
   * away or late), so no step can be named and a due challenge becomes a deny.
   */
  mfa: { enrolled: boolean; factors: string[] } | null;
  email: string | null;
  /** A second factor was proven on this login's browser, asking to remember it, and the remembering has not ended. */
  rememberedBrowser: boolean;
}

/**
 * The reason a due challenge became a deny because it could not be set up: the user's MFA state
 * was not loaded, or the challenge's mfa_token could not be stored within the deadline
 * (docs/operations.md, "11. A fail-closed challenge could not be completed").
 */
export const MFA_UNAVAILABLE = 'mfa_unavailable';

/** A due challenge that cannot be set up, as the explicit deny it is: its reasons plus {@link MFA_UNAVAILABLE}. */
export function challengeUnavailable(decision: Decision): Decision {
  return { action: 'deny', reasons: [...decision.reasons, MFA_UNAVAILABLE] };
}

type Matcher = DenyRule['allOf'][number];

/** Whether `a`'s `details.category`, or any `details.matches[].category`, equals `category`. */
function hasCategory(a: Assessment, category: string): boolean {
  const d = a.details;
  if (d === undefined) return false;
  if (d.category === category) return true;
  return Array.isArray(d.matches) && d.matches.some((m: unknown) => (m as { category?: unknown } | null)?.category === category);
}

function matches(m: Matcher, name: AssessorName, a: Assessment): boolean {
  return (
    (m.assessor === undefined || m.assessor === name) &&
    (m.code === undefined || m.code === a.code) &&
    (m.confidence === undefined || m.confidence === a.confidence) &&
    (m.category === undefined || hasCategory(a, m.category))
  );
}

/**
 * The first deny rule (config order) that applies to the application and whose every
 * condition matches some assessment, as `[deny_rule:<name>, ...codes it matched]`; else null.
 */
function denyReasons(input: DecideInput): string[] | null {
  for (const rule of input.denyRules) {
    if (rule.applications.length > 0 && !rule.applications.includes(input.applicationName)) continue;
    const codes = new Set<string>();
    const all = rule.allOf.every((m) => {
      let hit = false;
      for (const name of ASSESSOR_NAMES) {
        if (matches(m, name, input.results[name])) {
          hit = true;
          codes.add(input.results[name].code);
        }
      }
      return hit;
    });
    if (all) return [`deny_rule:${rule.name}`, ...codes];
  }
  return null;
}

/** Codes of the low assessments, then of the medium ones, each once (docs/api.md, `reasons`). */
function riskReasons(results: Record<AssessorName, Assessment>, confidence: Confidence): string[] {
  const codes = new Set<string>();
  for (const level of ['low', 'medium'] as const) {
    for (const name of ASSESSOR_NAMES) if (results[name].confidence === level) codes.add(results[name].code);
  }
  return codes.size > 0 ? [...codes] : [`confidence_${confidence}`];
}

/**
 * Whether a remembered browser stands in for the `always` policy's challenge: the policy is then
 * applied as `adaptive`, so the risk still challenges (docs/risk-model.md, "Remembered browsers").
 * Only for a user who still has a factor: one whose last factor was removed verifies the email
 * again, whatever was remembered before.
 */
function remembered(input: DecideInput): boolean {
  return input.application.mfaPolicy === 'always' && input.rememberedBrowser && input.mfa?.enrolled === true;
}

/** Why MFA is due (empty when it is not): policy `always`, a step-up request, or risk. */
function mfaReasons(input: DecideInput): string[] {
  const { challengeOn } = input.application;
  const mfaPolicy = remembered(input) ? 'adaptive' : input.application.mfaPolicy;
  const reasons: string[] = [];
  if (mfaPolicy === 'always') reasons.push('mfa_policy_always');
  // A step-up request wins over every policy, `never` included (docs/risk-model.md, "Policy").
  if (input.acrValues?.split(/\s+/).includes(STEP_UP_ACR)) reasons.push('step_up_requested');
  if (mfaPolicy === 'adaptive' && challengeOn.includes(input.confidence)) {
    const why = input.riskReasons !== undefined && input.riskReasons.length > 0 ? input.riskReasons : riskReasons(input.results, input.confidence);
    reasons.push(...why);
  }
  return reasons;
}

/**
 * Turn the combined assessment into a decision (docs/risk-model.md, "Policy"). Deny rules come
 * first; then, if MFA is due, an enrolled user is challenged with their factors, an unenrolled user
 * with an email verifies it first (then enrolls, optionally or not per application; always after a
 * step-up request, which a mailbox alone cannot answer), an unenrolled user without an email is
 * denied with `email_required`, and a user whose MFA state could not be loaded is denied with
 * `mfa_unavailable`. Otherwise allow. A remembered browser turns `always` into `adaptive`.
 */
export function decide(input: DecideInput): Decision {
  const denied = denyReasons(input);
  if (denied !== null) return { action: 'deny', reasons: denied };
  const decision = mfaDecision(input);
  if (decision.action === 'allow' && remembered(input)) decision.remembered_browser = true;
  return decision;
}

function mfaDecision(input: DecideInput): Decision {
  const reasons = mfaReasons(input);
  if (reasons.length === 0) return { action: 'allow', reasons: [] };

  // Without the MFA state no step can be named: a challenge the user could not pass is a deny.
  if (input.mfa === null) return { action: 'deny', reasons: [...reasons, MFA_UNAVAILABLE] };
  if (input.mfa.enrolled) {
    return { action: 'challenge', reasons, mfa: { enrolled: true, step: 'challenge', factors: [...input.mfa.factors] } };
  }
  if (input.email !== null && input.email.trim() !== '') {
    // A proven mailbox cannot answer a step-up request: the user enrolls a factor first.
    const enrollment = reasons.includes('step_up_requested') ? 'required' : input.application.enrollment;
    return { action: 'challenge', reasons, mfa: { enrolled: false, step: 'email_verification', enrollment, factors: ['email'] } };
  }
  return { action: 'deny', reasons: [...reasons, 'email_required'] };
}
