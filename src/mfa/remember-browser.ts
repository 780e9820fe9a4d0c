import { findApplication } from '../config.js';
import type { MfaTokenRecord } from '../stores/mfa/mfa-store.js';
import type { MfaDeps } from './mfa-deps.js';

const DAY_MS = 86_400_000;

/**
 * After a second factor was proven with `remember_browser`, remember the login's browser for
 * the application's `rememberBrowserDays` (docs/risk-model.md, "Remembered browsers"): until
 * then the `always` policy does not challenge it again. Returns when the remembering ends (ISO
 * 8601), or undefined when nothing was remembered: remembering is off for the application, the
 * login had no `device_id`, or Redis did not answer (the login itself has passed; only the
 * remembering is lost, and the answer says so by leaving `remembered_until` out).
 */
export async function rememberBrowser(deps: Pick<MfaDeps, 'config' | 'mfa' | 'metrics' | 'logger' | 'now'>, record: MfaTokenRecord): Promise<string | undefined> {
  const days = findApplication(deps.config, record.application)?.rememberBrowserDays ?? 0;
  const { application } = record;
  const deviceHash = record.deviceHash ?? null;
  if (days === 0 || deviceHash === null) {
    deps.metrics.rememberedBrowsers.inc({ application, event: 'refused' });
    return undefined;
  }
  const now = deps.now();
  const untilMs = now + days * DAY_MS;
  try {
    await deps.mfa.store.rememberBrowser(record.userId, deviceHash, untilMs, now);
  } catch (err) {
    deps.metrics.rememberedBrowsers.inc({ application, event: 'failed' });
    const cause = err instanceof Error && err.cause !== undefined ? err.cause : err;
    deps.logger.warn({ err: (cause as Error).message, assessment: record.assessmentId }, 'could not remember the browser');
    return undefined;
  }
  deps.metrics.rememberedBrowsers.inc({ application, event: 'remembered' });
  return new Date(untilMs).toISOString();
}
