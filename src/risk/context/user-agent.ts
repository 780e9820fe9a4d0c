import { LRUCache } from 'lru-cache';
import UAParser from 'ua-parser-js';

/**
 * Longest prefix of a user agent that is parsed and used as a cache key. Real browsers send
 * 100–300 characters; a longer header adds nothing to the family, and the cap bounds both the
 * parse cost (regex over attacker-chosen text) and the cache's memory.
 */
export const MAX_UA_LENGTH = 512;

/**
 * The parts of a user agent the familiarity features use (`docs/risk-model.md`), coarsest last:
 * browser with its major version, OS family, device type.
 */
export interface UaParts {
  /** Browser name and major version, e.g. `Chrome 125`, `Mobile Safari 17`; null when unrecognised. */
  browser: string | null;
  /** OS family without version, e.g. `Windows`, `iOS`; null when unrecognised. */
  os: string | null;
  /**
   * `desktop` (ua-parser-js names no type for desktops), `mobile`, `tablet`, or `other` (TVs,
   * consoles, wearables, embedded).
   */
  deviceType: 'desktop' | 'mobile' | 'tablet' | 'other';
}

/** What one parse yields, cached per user agent. */
interface Parsed {
  family: string;
  parts: UaParts;
}

/** Maps user-agent strings to a family. */
export interface UaParser {
  /**
   * The user agent's family, `Browser/OS` plus `/mobile` or `/tablet` for those devices,
   * e.g. `Chrome/Windows`, `Mobile Safari/iOS/mobile`; `Unknown` stands for a part the parser
   * did not recognise. Versions are left out on purpose, so a browser update does not make a
   * known device look new. Null for an empty or blank string.
   */
  family(ua: string): string | null;
  /** Browser + major, OS family and device type, from the same cached parse; null for an empty or blank string. */
  parts(ua: string): UaParts | null;
  /** Drop the cache. */
  close(): void;
}

/**
 * A user-agent parser (ua-parser-js 1.x; 2.x is AGPL) behind an LRU cache of `cacheSize`
 * entries, since parsing costs ~25 µs and login traffic repeats a few thousand strings.
 * `cacheSize` 0 disables the cache.
 */
export function createUaParser(cacheSize: number): UaParser {
  const cache = cacheSize > 0 ? new LRUCache<string, Parsed>({ max: cacheSize }) : null;
  // One reused instance; only the three parts the family needs are parsed.
  const parser = new UAParser();

  function parse(ua: string): Parsed {
    parser.setUA(ua);
    const { name: browserName, major } = parser.getBrowser();
    const browser = browserName ?? 'Unknown';
    const os = parser.getOS().name ?? 'Unknown';
    const type = parser.getDevice().type;
    const mobileOrTablet = type === 'mobile' || type === 'tablet';
    return {
      family: mobileOrTablet ? `${browser}/${os}/${type}` : `${browser}/${os}`,
      // Frozen: every request with this user agent shares the object.
      parts: Object.freeze({
        browser: browserName === undefined ? null : major === undefined ? browserName : `${browserName} ${major}`,
        os: parser.getOS().name ?? null,
        deviceType: type === undefined ? 'desktop' : mobileOrTablet ? type : 'other',
      }),
    };
  }

  function parsed(ua: string): Parsed | null {
    const key = ua.length > MAX_UA_LENGTH ? ua.slice(0, MAX_UA_LENGTH) : ua;
    if (key.trim() === '') return null;
    if (!cache) return parse(key);
    let p = cache.get(key);
    if (p === undefined) {
      p = parse(key);
      cache.set(key, p);
    }
    return p;
  }

  return {
    family(ua: string): string | null {
      return parsed(ua)?.family ?? null;
    },
    parts(ua: string): UaParts | null {
      return parsed(ua)?.parts ?? null;
    },
    close(): void {
      cache?.clear();
    },
  };
}
