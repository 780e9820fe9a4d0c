import { describe, expect, it } from 'vitest';
import type { ApplicationConfig } from '../../src/config.js';
import { MIN_REMEMBERED_DEVICE_ID, oldestRememberedMs, rememberable, rememberedUntilMs, remembersBrowsers, stillRemembered } from '../../src/risk/scoring/remembered-browser.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 5, 1, 12);
const app = (over: Partial<ApplicationConfig> = {}): ApplicationConfig => ({ mfaPolicy: 'always', challengeOn: ['low'], enrollment: 'optional', rememberBrowserDays: 30, ...over });

describe('remembered browsers: the pure rules', () => {
  it('only an always application with days remembers browsers', () => {
    expect(remembersBrowsers(app())).toBe(true);
    expect(remembersBrowsers(app({ rememberBrowserDays: 0 }))).toBe(false);
    expect(remembersBrowsers(app({ mfaPolicy: 'adaptive' }))).toBe(false);
    expect(remembersBrowsers(app({ mfaPolicy: 'never' }))).toBe(false);
  });

  it("counts a proof by the application's days at the time of the login, so lowering them applies at once", () => {
    expect(stillRemembered(app(), T0, T0 + 30 * DAY - 1)).toBe(true);
    expect(stillRemembered(app(), T0, T0 + 30 * DAY)).toBe(false);
    expect(stillRemembered(app({ rememberBrowserDays: 7 }), T0, T0 + 8 * DAY)).toBe(false);
    expect(stillRemembered(app({ rememberBrowserDays: 0 }), T0, T0 + 1)).toBe(false);
    expect(stillRemembered(app({ mfaPolicy: 'adaptive' }), T0, T0 + 1)).toBe(false);
    expect(stillRemembered(app(), null, T0)).toBe(false);
  });

  it('remembers by a device_id of 22 characters or more only', () => {
    expect(MIN_REMEMBERED_DEVICE_ID).toBe(22);
    expect(rememberable('x'.repeat(22))).toBe(true);
    expect(rememberable('x'.repeat(21))).toBe(false);
    expect(rememberable(undefined)).toBe(false);
  });

  it('a proof ends by its application days; the oldest kept is by the longest of the applications that remember', () => {
    expect(rememberedUntilMs(app({ rememberBrowserDays: 7 }), T0)).toBe(T0 + 7 * DAY);
    const apps = [app({ rememberBrowserDays: 7 }), app({ rememberBrowserDays: 90 }), app({ mfaPolicy: 'adaptive', rememberBrowserDays: 365 })];
    expect(oldestRememberedMs(apps, T0)).toBe(T0 - 90 * DAY);
    expect(oldestRememberedMs([app({ mfaPolicy: 'never' })], T0)).toBe(T0);
  });
});
