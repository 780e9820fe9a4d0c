import { LRUCache } from 'lru-cache';
import UAParser from 'ua-parser-js';

/**
 * Longest prefix of a user agent that is parsed and used as a cache key. Real browsers send
 * 100–300 characters; a longer header adds nothing to the family, and the cap bounds both the
 * parse cost (regex over attacker-chosen text) and the cache's memory.
 */
export const MAX_UA_LENGTH = 512;

/** Maps user-agent strings to a family. */
export interface UaParser {
  /**
   * The user agent's family, `Browser/OS` plus `/mobile` or `/tablet` for those devices,
   * e.g. `Chrome/Windows`, `Mobile Safari/iOS/mobile`; `Unknown` stands for a part the parser
   * did not recognise. Versions are left out on purpose, so a browser update does not make a
   * known device look new. Null for an empty or blank string.
   */
  family(ua: string): string | null;
  /** Drop the cache. */
  close(): void;
}

/**
 * A user-agent parser (ua-parser-js 1.x; 2.x is AGPL) behind an LRU cache of `cacheSize`
 * entries, since parsing costs ~25 µs and login traffic repeats a few thousand strings.
 * `cacheSize` 0 disables the cache.
 */
export function createUaParser(cacheSize: number): UaParser {
  const cache = cacheSize > 0 ? new LRUCache<string, string>({ max: cacheSize }) : null;
  // One reused instance; only the three parts the family needs are parsed.
  const parser = new UAParser();

  function parse(ua: string): string {
    parser.setUA(ua);
    const browser = parser.getBrowser().name ?? 'Unknown';
    const os = parser.getOS().name ?? 'Unknown';
    const type = parser.getDevice().type;
    return type === 'mobile' || type === 'tablet' ? `${browser}/${os}/${type}` : `${browser}/${os}`;
  }

  return {
    family(ua: string): string | null {
      const key = ua.length > MAX_UA_LENGTH ? ua.slice(0, MAX_UA_LENGTH) : ua;
      if (key.trim() === '') return null;
      if (!cache) return parse(key);
      let family = cache.get(key);
      if (family === undefined) {
        family = parse(key);
        cache.set(key, family);
      }
      return family;
    },
    close(): void {
      cache?.clear();
    },
  };
}
