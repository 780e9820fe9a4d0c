import { describe, expect, it } from 'vitest';
import { assessJson } from '../../src/http/assess-json.js';
import type { AssessResponse } from '../../src/service/assess-login.js';

/** Small seeded PRNG (mulberry32) so a failure reproduces. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function response(over: { details?: unknown; ip?: string | null; ua?: string | null; location?: AssessResponse['context']['location']; score?: number; decision?: unknown } = {}): AssessResponse {
  return {
    assessment_id: '7df8d832-0c2b-4a51-9a0e-5f1d2c3b4a59',
    risk_assessment: {
      confidence: 'low',
      version: '1',
      assessments: {
        NewDevice: { confidence: 'low', code: 'no_match', details: { device: 'unknown', useragent: 'unknown', ua_family: over.ua ?? null } },
        ImpossibleTravel:
          over.details === undefined
            ? { confidence: 'neutral', code: 'location_history_not_found' }
            : { confidence: 'low', code: 'impossible_travel_from_last_login', details: over.details as Record<string, unknown> },
        UntrustedIP: { confidence: 'high', code: 'not_found_on_deny_list' },
      },
    },
    score: over.score ?? 0.667,
    decision: (over.decision ?? { action: 'allow', reasons: [] }) as AssessResponse['decision'],
    committed: true,
    context: {
      ip: over.ip === undefined ? '1.0.16.1' : over.ip,
      ip_source: 'body',
      ua_family: over.ua === undefined ? 'Firefox/Mac OS' : over.ua,
      location: over.location === undefined ? { country: 'JP', city: 'Chiyoda' } : over.location,
      history: 'loaded',
    },
  };
}

describe('assessJson', () => {
  it('writes what JSON.stringify writes for the answers the assessors give', () => {
    const travel = {
      distance_km: 9559.3,
      effective_distance_km: 9359.3,
      uncertainty_km: 200,
      elapsed_h: 0,
      speed_kmh: null,
      allowance_km: 1100,
      max_speed_kmh: 1000,
      from: { country: 'GB', city: 'London' },
      to: { country: 'JP', city: null },
    };
    const cases: AssessResponse[] = [
      response(),
      response({ details: travel, ip: null, ua: null, location: null }),
      response({ location: { country: null, city: 'Zürich' }, score: 0 }),
      response({
        decision: {
          action: 'challenge',
          reasons: ['no_match', 'impossible_travel_from_last_login'],
          mfa: { enrolled: false, step: 'email_verification', enrollment: 'optional', factors: ['email'], mfa_token: 'AA8V.x-y_z' },
        },
      }),
      response({ decision: { action: 'challenge', reasons: ['no_match'], mfa: { enrolled: true, step: 'challenge', factors: ['otp', 'recovery-code'], mfa_token: undefined } } }),
      response({
        details: { ip: '203.0.113.9', matches: [{ source: 'spamhaus-drop', category: 'abuse' }], source: 'spamhaus-drop', category: 'abuse', traffic: { failed_logins: 12, distinct_accounts: 3, account_failures: 0 } },
      }),
    ];
    for (const c of cases) expect(assessJson(c)).toBe(JSON.stringify(c));
  });

  it('escapes as JSON.stringify does: quotes, backslashes, controls, lone surrogates; other text as it is', () => {
    const texts = ['"', '\\', '\u0000', '\n\t\r\b\f', '\u001f', '\u007f', 'é東京', '😀', '\ud800', 'a\udc00b', '\u2028\u2029', '</script>', ''];
    for (const t of texts) {
      const r = response({ ip: t, ua: t, location: { country: t, city: t }, details: { [t]: t, list: [t, { [t]: [t] }] } });
      expect(assessJson(r)).toBe(JSON.stringify(r));
    }
  });

  it('writes numbers and values without a JSON form as JSON.stringify does', () => {
    const details = {
      values: [0, -0, 1e21, 1e-7, -1.5, 123456789.123, Number.MAX_VALUE, Number.MIN_VALUE, NaN, Infinity, -Infinity],
      holes: [undefined, () => 1, Symbol('s'), null, true, false],
      skipped: undefined,
      fn: () => 1,
      date: new Date(0),
      nested: { a: { b: { c: [[], {}] } } },
      2: 'integer keys first',
    };
    for (const score of [0, 1, 0.1 + 0.2, NaN]) {
      const r = response({ details, score });
      expect(assessJson(r)).toBe(JSON.stringify(r));
    }
  });

  it('agrees with JSON.stringify on random details', () => {
    const r = rng(7);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
    const alphabet = ['a', 'Z', '0', ' ', '"', '\\', '\n', '\u0001', 'é', '東', '\ud83d', '\ude00', '/'];
    const text = () => Array.from({ length: Math.floor(r() * 8) }, () => pick(alphabet)).join('');
    const value = (depth: number): unknown => {
      const k = Math.floor(r() * (depth > 2 ? 5 : 7));
      if (k === 0) return text();
      if (k === 1) return (r() - 0.5) * 10 ** Math.floor(r() * 30 - 10);
      if (k === 2) return r() < 0.5;
      if (k === 3) return null;
      if (k === 4) return r() < 0.5 ? undefined : Math.floor(r() * 1000);
      if (k === 5) return Array.from({ length: Math.floor(r() * 4) }, () => value(depth + 1));
      return Object.fromEntries(Array.from({ length: Math.floor(r() * 4) }, () => [text(), value(depth + 1)]));
    };
    for (let i = 0; i < 2000; i++) {
      const res = response({ details: value(0), ua: text(), ip: text() });
      expect(assessJson(res)).toBe(JSON.stringify(res));
    }
  });
});
