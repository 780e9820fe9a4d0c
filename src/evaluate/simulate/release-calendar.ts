import { bumpMajor, releaseDays } from './browser-release.js';
import { Rng } from './rng.js';
import type { UaTemplate } from './ua-pool.js';

const DAY_MS = 86_400_000;

/**
 * When each browser ships its majors during the run. Release days fall every
 * `releaseDays(browser)` from a phase drawn per browser and seed, so the run does not start on
 * a release day. A template's string is the version its device runs at the start.
 */
export class ReleaseCalendar {
  private readonly phases = new Map<string, number>();

  constructor(
    private readonly seed: number,
    private readonly startMs: number,
    private readonly fastDays: number,
  ) {}

  /** Majors `browser` shipped in (start, atMs]. */
  majorsSince(browser: string, atMs: number): number {
    const period = releaseDays(browser, this.fastDays) * DAY_MS;
    if (!Number.isFinite(period) || atMs <= this.startMs) return 0;
    let phase = this.phases.get(browser);
    if (phase === undefined) {
      phase = this.startMs + Rng.stream(this.seed, 'release', browser).float() * period;
      this.phases.set(browser, phase);
    }
    return atMs < phase ? 0 : Math.floor((atMs - phase) / period) + 1;
  }

  /** The user agent a device with `template` sends at `atMs`, installing each major `delayDays` after its release. */
  uaAt(template: UaTemplate, atMs: number, delayDays: number): string {
    return bumpMajor(template.ua, template.browser, this.majorsSince(template.browser, atMs - delayDays * DAY_MS));
  }
}
