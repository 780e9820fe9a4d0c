import UAParser from 'ua-parser-js';
import { createUaParser } from '../../risk/context/user-agent.js';
import type { Rng } from './rng.js';
import { WeightedPicker } from './weighted-picker.js';

/** What kind of device a user agent comes from. Tablets count as mobile. */
export type DeviceKind = 'desktop' | 'mobile';

/** A real browser user agent as found in the input, with what ua-parser-js makes of it. */
export interface UaTemplate {
  ua: string;
  /** ua-parser-js 1.x browser name: `Chrome`, `Mobile Safari`, `Samsung Internet`, ... */
  browser: string;
  os: string;
  kind: DeviceKind;
  /** Vigil's family (`src/risk/context/user-agent.ts`): `Chrome/Windows`, `Mobile Safari/iOS/mobile`. */
  family: string;
  major: number;
}

/** Real browser user agents, drawn by market share. */
export interface UaPool {
  templates: readonly UaTemplate[];
  /** A template for a new device of `kind`: family by market share, string uniform within it. */
  pick(kind: DeviceKind, rng: Rng): UaTemplate;
  /** A template drawn uniformly from every string, whatever its kind (the naive attacker's UA). */
  any(rng: Rng): UaTemplate;
}

/**
 * Browser shares of page views, per device kind. Source: StatCounter GlobalStats, browser
 * market share worldwide, desktop and mobile, 2024–2025 averages rounded to the percent
 * (https://gs.statcounter.com/browser-market-share). Browsers not listed are not simulated.
 */
const BROWSER_SHARE: Record<DeviceKind, Readonly<Record<string, number>>> = {
  desktop: { Chrome: 65, Edge: 13, Safari: 9, Firefox: 7, Opera: 3 },
  mobile: { Chrome: 66, 'Mobile Safari': 23, 'Samsung Internet': 4, Firefox: 1, Edge: 1, Opera: 2 },
};

/**
 * Operating system shares per device kind. Source: StatCounter GlobalStats, desktop and mobile
 * OS market share worldwide, 2024–2025, rounded (https://gs.statcounter.com/os-market-share).
 */
const OS_SHARE: Record<DeviceKind, Readonly<Record<string, number>>> = {
  desktop: { Windows: 72, 'Mac OS': 15, Linux: 3, Ubuntu: 1, 'Chromium OS': 2 },
  mobile: { Android: 71, iOS: 28 },
};

/**
 * Product tokens a plain browser puts outside the parentheses. A string with any other token
 * is an embedded browser, an app's web view or a tool (`Steam`, `Ecosia`, `HonorBrowser`),
 * which the parser still calls Chrome but no login page would see from a typical user.
 */
const PLAIN_TOKENS = new Set([
  'Mozilla', 'AppleWebKit', 'Chrome', 'Safari', 'Gecko', 'Firefox', 'Version', 'Mobile',
  'Edg', 'EdgA', 'EdgiOS', 'OPR', 'CriOS', 'FxiOS', 'SamsungBrowser',
]);

/** Words in the platform comment that mark a crawler or a tool, not a person's browser. */
const NOT_A_PERSON = /compatible|bot|crawl|spider|scraper|inspection|headless|lighthouse|datanyze|valve|steam/i;

/**
 * A plain browser's string: only the platform comment (the first) and `(KHTML, like Gecko)`
 * in parentheses, only {@link PLAIN_TOKENS} outside. Monitoring and marketing tools append a
 * comment of their own (`(StatusCake)`, `(Rival IQ, rivaliq.com)`), apps a token.
 */
function plain(ua: string): boolean {
  const comments = ua.match(/\([^)]*\)/g) ?? [];
  if (comments.length === 0 || NOT_A_PERSON.test(comments[0]!)) return false;
  if (comments.slice(1).some((c) => c !== '(KHTML, like Gecko)')) return false;
  const outside = ua.replace(/\([^)]*\)/g, ' ').trim();
  return outside !== '' && outside.split(/\s+/).every((t) => PLAIN_TOKENS.has(t.split('/')[0]!));
}

/**
 * Keep the real desktop and mobile browsers of `lines` (ua-parser-js 1.x: a browser and OS of
 * the share tables, a desktop, phone or tablet device, a numeric major, only plain browser
 * tokens), each string once.
 */
export function browserTemplates(lines: readonly string[]): UaTemplate[] {
  const parser = new UAParser();
  const families = createUaParser(0);
  const seen = new Set<string>();
  const out: UaTemplate[] = [];
  for (const raw of lines) {
    const ua = raw.trim();
    if (ua === '' || seen.has(ua) || !plain(ua)) continue;
    seen.add(ua);
    parser.setUA(ua);
    const browser = parser.getBrowser();
    const os = parser.getOS().name ?? '';
    const type = parser.getDevice().type;
    if (type !== undefined && type !== 'mobile' && type !== 'tablet') continue;
    const kind: DeviceKind = type === undefined ? 'desktop' : 'mobile';
    const major = Number.parseInt(browser.major ?? '', 10);
    const name = browser.name ?? '';
    if (!(Number.isInteger(major) && major > 0)) continue;
    if (!Object.hasOwn(BROWSER_SHARE[kind], name) || !Object.hasOwn(OS_SHARE[kind], os)) continue;
    out.push({ ua, browser: name, os, kind, family: families.family(ua) ?? '', major });
  }
  return out;
}

/**
 * A pool over `templates` (see {@link browserTemplates}). Each (browser, OS, kind) family is
 * weighted by browser share × OS share of its kind, renormalised over the families present.
 * Throws when no template of a kind is left, as devices of that kind could not be made.
 */
export function buildUaPool(templates: readonly UaTemplate[]): UaPool {
  const groups = new Map<string, UaTemplate[]>();
  for (const t of templates) {
    const key = `${t.browser}|${t.os}|${t.kind}`;
    const list = groups.get(key) ?? [];
    list.push(t);
    groups.set(key, list);
  }
  const pickers = new Map<DeviceKind, WeightedPicker<UaTemplate[]>>();
  for (const kind of ['desktop', 'mobile'] as const) {
    const entries = [...groups.values()]
      .filter((g) => g[0]!.kind === kind)
      .map((g) => [g, BROWSER_SHARE[kind][g[0]!.browser]! * OS_SHARE[kind][g[0]!.os]!] as const);
    const picker = new WeightedPicker(entries);
    if (picker.size === 0) throw new Error(`no ${kind} browser user agents among ${templates.length} inputs`);
    pickers.set(kind, picker);
  }
  return {
    templates,
    pick: (kind, rng) => rng.pick(pickers.get(kind)!.pick(rng)!),
    any: (rng) => rng.pick(templates),
  };
}
