import { describe, expect, it } from 'vitest';
import { createUaParser, MAX_UA_LENGTH } from '../../src/risk/context/user-agent.js';

const CHROME_WIN = (v: string) =>
  `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v} Safari/537.36`;
const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
const IPAD =
  'Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1';
const FIREFOX_LINUX = 'Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0';
const ANDROID_CHROME =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Mobile Safari/537.36';

describe('createUaParser', () => {
  const ua = createUaParser(100);

  it.each([
    [CHROME_WIN('125.0.0.0'), 'Chrome/Windows'],
    [IPHONE, 'Mobile Safari/iOS/mobile'],
    [IPAD, 'Mobile Safari/iOS/tablet'],
    [FIREFOX_LINUX, 'Firefox/Linux'],
    [ANDROID_CHROME, 'Chrome/Android/mobile'],
    ['curl/8.5.0', 'Unknown/Unknown'],
  ])('%s → %s', (s, family) => {
    expect(ua.family(s)).toBe(family);
  });

  it('ignores version updates', () => {
    expect(ua.family(CHROME_WIN('99.0.4844.51'))).toBe(ua.family(CHROME_WIN('126.0.6478.57')));
  });

  it('returns null for an empty or blank user agent', () => {
    expect(ua.family('')).toBeNull();
    expect(ua.family('   ')).toBeNull();
  });

  it('considers only the first MAX_UA_LENGTH characters', () => {
    const giant = CHROME_WIN('125.0.0.0') + ' x'.repeat(100_000);
    expect(ua.family(giant)).toBe('Chrome/Windows');
    // Anything past the cap cannot change the answer.
    const padded = 'a'.repeat(MAX_UA_LENGTH);
    expect(ua.family(padded + FIREFOX_LINUX)).toBe(ua.family(padded));
  });

  it('answers the same with the cache disabled, and after close()', () => {
    const uncached = createUaParser(0);
    expect(uncached.family(IPHONE)).toBe('Mobile Safari/iOS/mobile');
    ua.close();
    expect(ua.family(IPHONE)).toBe('Mobile Safari/iOS/mobile');
  });
});

describe('createUaParser parts', () => {
  const ua = createUaParser(100);

  it.each([
    [CHROME_WIN('125.0.6422.60'), { browser: 'Chrome 125', os: 'Windows', deviceType: 'desktop' }],
    [IPHONE, { browser: 'Mobile Safari 17', os: 'iOS', deviceType: 'mobile' }],
    [IPAD, { browser: 'Mobile Safari 16', os: 'iOS', deviceType: 'tablet' }],
    [FIREFOX_LINUX, { browser: 'Firefox 126', os: 'Linux', deviceType: 'desktop' }],
    [ANDROID_CHROME, { browser: 'Chrome 125', os: 'Android', deviceType: 'mobile' }],
    ['curl/8.5.0', { browser: null, os: null, deviceType: 'desktop' }],
    [
      'Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/2.2 Chrome/63.0.3239.84 TV Safari/537.36',
      { browser: 'Samsung Internet 2', os: 'Tizen', deviceType: 'other' },
    ],
  ])('%s → %o', (s, parts) => {
    expect(ua.parts(s)).toEqual(parts);
  });

  it('keeps the major version, so a browser update is a new browser + major but the same family', () => {
    expect(ua.parts(CHROME_WIN('99.0.4844.51'))?.browser).toBe('Chrome 99');
    expect(ua.parts(CHROME_WIN('126.0.6478.57'))?.browser).toBe('Chrome 126');
  });

  it('is null for a blank user agent, and the same with the cache disabled', () => {
    expect(ua.parts(' ')).toBeNull();
    expect(createUaParser(0).parts(IPHONE)).toEqual(ua.parts(IPHONE));
  });
});
