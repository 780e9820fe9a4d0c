import { findApplication } from '../find-application.js';
import { oldestRememberedMs, rememberedUntilMs, remembersBrowsers } from '../risk/scoring/remembered-browser.js';
import type { AuthenticatorRecord, MfaTokenRecord } from '../stores/mfa/mfa-store.js';
import type { MfaDeps } from './mfa-deps.js';

/** What came of a `remember_browser` request; `remembered_until` is in the answer only when it took. */
export type RememberResult =
  | { remembered: true; until: string }
  | {
      remembered: false;
      /**
       * `off`: the application remembers no browsers (`rememberBrowserDays` 0, or a policy other
       * than `always`); `no_device`: the assessment had no `device_id` long enough to remember by;
       * `recovery_code`: a recovery code is a way back to a factor, not one; `no_factor`: the
       * authenticator the proof used was removed meanwhile; `store_unavailable`: Redis did not
       * answer.
       */
      reason: 'off' | 'no_device' | 'recovery_code' | 'no_factor' | 'store_unavailable';
    };

/**
 * After a second factor was proven with `remember_browser`, remember the login's browser for its
 * application (docs/risk-model.md, "Remembered browsers"): for the application's
 * `rememberBrowserDays` the `always` policy does not challenge it again. The login itself has
 * passed whatever comes of this; each outcome is counted in `vigil_remembered_browsers_total`.
 */
export async function rememberBrowser(
  deps: Pick<MfaDeps, 'config' | 'mfa' | 'metrics' | 'logger' | 'now'>,
  record: MfaTokenRecord,
  proof: Pick<AuthenticatorRecord, 'id' | 'type'>,
): Promise<RememberResult> {
  const result = await remember(deps, record, proof);
  deps.metrics.rememberedBrowsers.inc({ application: record.application, event: result.remembered ? 'remembered' : result.reason });
  return result;
}

async function remember(
  deps: Pick<MfaDeps, 'config' | 'mfa' | 'logger' | 'now'>,
  record: MfaTokenRecord,
  proof: Pick<AuthenticatorRecord, 'id' | 'type'>,
): Promise<RememberResult> {
  const application = findApplication(deps.config, record.application);
  // Tokens an earlier version issued carry no device.
  const deviceHash = record.deviceHash ?? null;
  if (!application || !remembersBrowsers(application)) return { remembered: false, reason: 'off' };
  if (deviceHash === null) return { remembered: false, reason: 'no_device' };
  if (proof.type === 'recovery-code') return { remembered: false, reason: 'recovery_code' };
  const now = deps.now();
  // Proofs older than every application's days remember nothing any more: the store drops them.
  const oldestMs = oldestRememberedMs(Object.values(deps.config.applications), now);
  try {
    const kept = await deps.mfa.store.rememberBrowser(record.userId, { application: record.application, deviceHash, authenticatorId: proof.id }, now, oldestMs);
    if (!kept) return { remembered: false, reason: 'no_factor' };
  } catch (err) {
    const cause = err instanceof Error && err.cause !== undefined ? err.cause : err;
    deps.logger.warn({ err: (cause as Error).message, assessment: record.assessmentId }, 'could not remember the browser');
    return { remembered: false, reason: 'store_unavailable' };
  }
  return { remembered: true, until: new Date(rememberedUntilMs(application, now)).toISOString() };
}

/** The answer's part of a {@link RememberResult}: `remembered_until` when it took. */
export function rememberedUntil(result: RememberResult | null): { remembered_until?: string } {
  return result?.remembered ? { remembered_until: result.until } : {};
}
