import UAParser from 'ua-parser-js';
import { describe, expect, it } from 'vitest';
import { bumpMajor, releaseDays } from '../../src/evaluate/simulate/browser-release.js';
import { BUILTIN_USER_AGENTS } from '../../src/evaluate/simulate/builtin-user-agents.js';
import { ReleaseCalendar } from '../../src/evaluate/simulate/release-calendar.js';
import { Rng } from '../../src/evaluate/simulate/rng.js';
import { browserTemplates, buildUaPool } from '../../src/evaluate/simulate/ua-pool.js';

const DAY_MS = 86_400_000;

describe('browser user agents', () => {
  it('keeps every built-in string as a desktop or mobile browser of both kinds', () => {
    const t = browserTemplates(BUILTIN_USER_AGENTS);
    expect(t.map((x) => x.ua)).toEqual([...BUILTIN_USER_AGENTS]);
    expect(new Set(t.map((x) => x.kind))).toEqual(new Set(['desktop', 'mobile']));
    expect(t.find((x) => x.ua.includes('iPhone') && x.ua.includes('Version/'))).toMatchObject({ browser: 'Mobile Safari', os: 'iOS', kind: 'mobile' });
  });

  it('drops crawlers, tools, apps and embedded browsers that the parser still names Chrome or Safari', () => {
    // Strings of this shape are in uap-core's test corpus; each would parse as a browser.
    const notPeople = [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64; Valve Steam Client/default/1690583737) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/85.0.4183.121 Safari/537.36',
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 CCleaner/131.0.0.0',
      'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.201 Mobile Safari/537.36 (compatible; Google-InspectionTool/1.0;)',
      'Mozilla/5.0 (Windows NT 6.2; WOW64) AppleWebKit/537.4 (KHTML, like Gecko) Chrome/98 Safari/537.4 (StatusCake)',
      'Mozilla/5.0 (X11; Datanyze; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/65.0.3325.181 Safari/537.36',
      'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
      'curl/8.5.0',
      '',
    ];
    expect(browserTemplates(notPeople)).toEqual([]);
    expect(browserTemplates([BUILTIN_USER_AGENTS[0]!, BUILTIN_USER_AGENTS[0]!])).toHaveLength(1);
  });

  it('draws families by market share: Chrome dominates desktops, no Safari on Windows', () => {
    const pool = buildUaPool(browserTemplates(BUILTIN_USER_AGENTS));
    const rng = Rng.stream(1, 'test');
    const counts = new Map<string, number>();
    for (let i = 0; i < 5000; i++) {
      const t = pool.pick('desktop', rng);
      counts.set(t.browser, (counts.get(t.browser) ?? 0) + 1);
      expect(t.kind).toBe('desktop');
    }
    // StatCounter: Chrome ~65 % of desktop page views.
    expect(counts.get('Chrome')! / 5000).toBeGreaterThan(0.55);
    expect(counts.get('Chrome')! / 5000).toBeLessThan(0.75);
    expect(pool.pick('mobile', rng).kind).toBe('mobile');
  });

  it('moves every built-in browser to a later major as ua-parser-js reads it', () => {
    const parser = new UAParser();
    for (const t of browserTemplates(BUILTIN_USER_AGENTS)) {
      const bumped = bumpMajor(t.ua, t.browser, 3);
      parser.setUA(bumped);
      expect([t.ua, Number(parser.getBrowser().major)]).toEqual([t.ua, t.major + 3]);
      expect(parser.getBrowser().name).toBe(t.browser);
      expect(bumpMajor(t.ua, t.browser, 0)).toBe(t.ua);
    }
    // The desktop Gecko date token is frozen and stays.
    expect(bumpMajor(BUILTIN_USER_AGENTS.find((u) => u.includes('Gecko/20100101'))!, 'Firefox', 1)).toContain('Gecko/20100101');
  });

  it('ships Chromium and Firefox majors every --browser-release-days, Safari yearly', () => {
    const start = Date.parse('2026-01-05T00:00:00Z');
    const cal = new ReleaseCalendar(1, start, 28);
    expect(cal.majorsSince('Chrome', start)).toBe(0);
    expect(cal.majorsSince('Chrome', start + 28 * DAY_MS)).toBe(1);
    expect(cal.majorsSince('Chrome', start + 120 * DAY_MS)).toBeGreaterThanOrEqual(4);
    expect(cal.majorsSince('Chrome', start + 120 * DAY_MS)).toBeLessThanOrEqual(5);
    expect(cal.majorsSince('Safari', start + 366 * DAY_MS)).toBe(1);
    expect(releaseDays('Firefox', 28)).toBe(28);
    expect(releaseDays('Netscape', 28)).toBe(Infinity);
    let last = 0;
    for (let d = 0; d <= 120; d++) {
      const n = cal.majorsSince('Edge', start + d * DAY_MS);
      expect(n - last === 0 || n - last === 1).toBe(true);
      last = n;
    }
  });
});
