import type { ApplicationConfig } from '../../config.js';

/** Pure rules of remembered browsers (docs/risk-model.md, "Remembered browsers"). */

const DAY_MS = 86_400_000;

/** The shortest `device_id` a browser is remembered by: 22 characters carry 128 bits in base64url. */
export const MIN_REMEMBERED_DEVICE_ID = 22;

/**
 * Whether an application remembers browsers at all: only the `always` policy has a challenge a
 * remembered browser can stand in for, and only with `rememberBrowserDays` above 0.
 */
export function remembersBrowsers(application: ApplicationConfig): boolean {
  return application.mfaPolicy === 'always' && application.rememberBrowserDays > 0;
}

/**
 * A `device_id` long enough to be remembered by: whoever holds the cookie holds the remembering,
 * and a short one may be guessed. Length is no proof of randomness, but a shorter one is
 * certainly too little.
 */
export function rememberable(deviceId: string | undefined): boolean {
  return deviceId !== undefined && deviceId.length >= MIN_REMEMBERED_DEVICE_ID;
}

/**
 * Whether a second factor proven at `provenAtMs` (null: never) still remembers the browser at
 * `nowMs`, by the application's settings now: lowering its days, or turning remembering off,
 * applies to proofs already made.
 */
export function stillRemembered(application: ApplicationConfig, provenAtMs: number | null, nowMs: number): boolean {
  return provenAtMs !== null && remembersBrowsers(application) && nowMs < rememberedUntilMs(application, provenAtMs);
}

/** When a proof made at `provenAtMs` stops remembering the browser for `application`, by its days now. */
export function rememberedUntilMs(application: ApplicationConfig, provenAtMs: number): number {
  return provenAtMs + application.rememberBrowserDays * DAY_MS;
}

/** The time before which a proof remembers a browser for none of `applications` at `nowMs`. */
export function oldestRememberedMs(applications: readonly ApplicationConfig[], nowMs: number): number {
  const longestDays = Math.max(0, ...applications.filter(remembersBrowsers).map((a) => a.rememberBrowserDays));
  return nowMs - longestDays * DAY_MS;
}
