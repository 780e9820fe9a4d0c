/**
 * How a browser's user agent moves as it updates: which version tokens carry the major, and
 * how often a new major ships.
 */
interface Track {
  /** Tokens whose number is the browser's major (or its engine's, which moves with it). */
  tokens: RegExp[];
  /** Whether the track follows the fast cadence (the `--browser-release-days` flag). */
  fast: boolean;
  /** Days between majors when not fast. */
  days?: number;
}

/**
 * Chrome ships a major every 4 weeks since Chrome 94 (Chromium blog, "Speeding up Chrome's
 * release cycle", March 2021); Edge and Opera follow Chromium; Firefox every 4 weeks since
 * Firefox 70 (Mozilla's rapid release calendar). Safari ships one major a year, each September
 * (Apple's release notes). Samsung Internet ships a major about every quarter (assumption from
 * its release notes' spacing). The Gecko token is bumped only when it carries a version
 * (`Gecko/146.0` on Android), not the frozen `Gecko/20100101` of the desktop.
 */
const TRACKS: Readonly<Record<string, Track>> = {
  Chrome: { tokens: [/(Chrome\/)(\d+)/, /(CriOS\/)(\d+)/], fast: true },
  Edge: { tokens: [/(Chrome\/)(\d+)/, /(Edg\/)(\d+)/, /(EdgA\/)(\d+)/, /(EdgiOS\/)(\d+)/], fast: true },
  Opera: { tokens: [/(Chrome\/)(\d+)/, /(OPR\/)(\d+)/], fast: true },
  Firefox: { tokens: [/(Firefox\/)(\d+)/, /(FxiOS\/)(\d+)/, /(rv:)(\d+)/, /(Gecko\/)(\d{1,3})(?=\.)/], fast: true },
  Safari: { tokens: [/(Version\/)(\d+)/], fast: false, days: 365 },
  'Mobile Safari': { tokens: [/(Version\/)(\d+)/], fast: false, days: 365 },
  'Samsung Internet': { tokens: [/(SamsungBrowser\/)(\d+)/], fast: false, days: 91 },
};

/**
 * Days between majors of `browser`: `fastDays` for Chromium browsers and Firefox, the
 * browser's own cadence otherwise; Infinity for a browser without a known track.
 */
export function releaseDays(browser: string, fastDays: number): number {
  if (!Object.hasOwn(TRACKS, browser)) return Infinity;
  const track = TRACKS[browser]!;
  return track.fast ? fastDays : track.days!;
}

/** `ua` with every major-version token of `browser` moved up by `majors`. */
export function bumpMajor(ua: string, browser: string, majors: number): string {
  if (majors === 0 || !Object.hasOwn(TRACKS, browser)) return ua;
  let out = ua;
  for (const token of TRACKS[browser]!.tokens) {
    out = out.replace(token, (_m, prefix: string, n: string) => `${prefix}${Number(n) + majors}`);
  }
  return out;
}
