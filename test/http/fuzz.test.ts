import type { LightMyRequestResponse } from 'fastify';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/errors.js';
import { KEYS, testFileConfig } from '../support/app.js';
import { useMfaApp } from '../support/mfa.js';
import { IP } from '../support/logins.js';

/**
 * Property-based fuzzing of every route (issue 17): random and mutated bodies, paths and headers,
 * seeded from valid requests with real mfa_tokens (fresh, after the email step, after a proven
 * factor), so mutations reach the services and the stores, not just the schemas. Whatever comes
 * in: never a 5xx, every error in Vigil's shape with the request id, and afterwards the process
 * still serves. Bounded and seeded: the same requests every run, in a few seconds.
 */
const SEED = 17;
const RUNS = 2000;

type Method = 'GET' | 'POST' | 'DELETE';
type Auth = 'client' | 'admin' | 'none';

/** A valid request of one route; `{param}` in the path is filled from `params`. */
interface Route {
  method: Method;
  path: string;
  auth: Auth;
  params?: Record<string, string>;
  body?: () => Record<string, unknown>;
  headers?: () => Record<string, string>;
  query?: Record<string, string>;
}

const ADMIN_USER = 'fuzz-admin-user';
const UUID = '00000000-0000-4000-8000-000000000000';

/** Every code unit, lone surrogates included (fast-check's own units leave those out). */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const ascii = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c));
const nasty = fc.constantFrom(
  '\uD83D',
  'Phone \uD83D',
  '\uDC00x',
  '\u0000',
  '__proto__',
  'constructor',
  'toString',
  '../../etc/passwd',
  '%zz',
  '',
  ' ',
  '💥',
  '\u202Eevil',
  '1e309',
  'null',
  '::ffff:10.0.0.1',
  '203.0.113.7',
  'a'.repeat(3000),
);
const anyString = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: codeUnit, maxLength: 24 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 80 }) },
  { weight: 3, arbitrary: nasty },
  { weight: 1, arbitrary: fc.tuple(nasty, fc.string({ unit: codeUnit, maxLength: 8 })).map(([a, b]) => a + b) },
);
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: anyString },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null)) },
  { weight: 1, arbitrary: fc.array(anyString, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);
const anyKey = fc.oneof(fc.string({ unit: 'grapheme-ascii', maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'prototype', 'mfa_token', 'user_id'));
const pathSegment = fc.oneof(
  anyString.map((s) => {
    try {
      return encodeURIComponent(s);
    } catch {
      return '%ED%A0%80'; // an escaped lone surrogate: encodeURIComponent refuses to write one
    }
  }),
  fc.constantFrom('%zz', '%E0%A4%A', '%ED%A0%80', '%00', '..', '%2e%2e', 'x'.repeat(1100), '%C0%AF'),
);
const headerValue = fc.string({ unit: ascii, maxLength: 60 });

/** A body built from the route's valid one: some values replaced, some keys dropped, some added. */
function mutatedBody(valid: Record<string, unknown>): fc.Arbitrary<Record<string, unknown>> {
  const keys = Object.keys(valid);
  return fc
    .tuple(
      fc.subarray(keys),
      fc.subarray(keys, { maxLength: 1 }),
      fc.array(anyValue, { minLength: keys.length, maxLength: keys.length }),
      fc.option(fc.dictionary(anyKey, anyValue, { minKeys: 1, maxKeys: 2 }), { freq: 3 }),
    )
    .map(([replaced, dropped, values, extra]) => {
      const out: Record<string, unknown> = { ...valid };
      replaced.forEach((k) => (out[k] = values[keys.indexOf(k)]));
      for (const k of dropped) delete out[k];
      return extra === null ? out : { ...out, ...extra };
    });
}

describe('fuzz: every route', () => {
  const { t, clock, mfa } = useMfaApp({
    file: testFileConfig({ applications: { default: { mfaPolicy: 'always' }, enroll: { mfaPolicy: 'always', enrollment: 'required' }, web: {} } }),
  });
  /** Real tokens: fresh, email verified (may enroll), after a proven TOTP (may add factors). */
  const tokens = { fresh: '', emailVerified: '', proven: '' };
  /** An authenticator of ADMIN_USER, for the admin delete route. */
  let adminUserAuthenticator = UUID;

  beforeAll(async () => {
    tokens.fresh = await mfa.token({ user_id: 'fuzz-fresh', email: 'fuzz-fresh@example.com' });
    const enrolling = { user_id: 'fuzz-enrolling', email: 'fuzz-enrolling@example.com' };
    // Required enrollment: the email step issues no result, so the token may still enroll and prove.
    const ev = (await mfa.challenged({ ...enrolling, application: 'enroll' })).decision.mfa.mfa_token as string;
    expect(await mfa.verifyEmail(ev, enrolling.email)).toMatchObject({ next: 'enroll' });
    tokens.emailVerified = ev;
    const u = { user_id: 'fuzz-proven', email: 'fuzz-proven@example.com' };
    const enrolled = await mfa.enrollTotp(u);
    clock.advance(30_000);
    tokens.proven = await mfa.token(u);
    await mfa.ok('/v1/mfa/verify', { mfa_token: tokens.proven, otp: mfa.totp(enrolled.secret) });
    adminUserAuthenticator = (await mfa.enrollTotp({ user_id: ADMIN_USER, email: 'fuzz-admin@example.com' })).authenticatorId;
  });

  const tokenArb = () => fc.constantFrom(tokens.fresh, tokens.emailVerified, tokens.proven);
  const routes = (): Route[] => [
    { method: 'POST', path: '/v1/assess', auth: 'client', body: () => ({ user_id: 'fuzz-u', email: 'f@example.com', ip: IP.tokyo, user_agent: 'Mozilla/5.0', device_id: 'd', application: 'web', acr_values: 'x', commit: false }) },
    { method: 'POST', path: '/assess', auth: 'client', body: () => ({ user_id: 'fuzz-u', ip: IP.london }) },
    { method: 'POST', path: '/v1/assessments/{id}/complete', auth: 'client', params: { id: UUID } },
    { method: 'POST', path: '/v1/events', auth: 'client', body: () => ({ type: 'login_failed', ip: IP.us, user_id: 'fuzz-u', user_agent: 'x', reason: 'bad password' }) },
    { method: 'GET', path: '/v1/mfa/authenticators', auth: 'client', headers: () => ({ 'x-mfa-token': tokens.proven }) },
    { method: 'POST', path: '/v1/mfa/email-verification', auth: 'client', body: () => ({ mfa_token: tokens.fresh }) },
    { method: 'POST', path: '/v1/mfa/email-verification/verify', auth: 'client', body: () => ({ mfa_token: tokens.fresh, code: '123456' }) },
    { method: 'POST', path: '/v1/mfa/associate', auth: 'client', body: () => ({ mfa_token: tokens.emailVerified, authenticator_type: 'otp', name: 'Phone' }) },
    { method: 'POST', path: '/v1/mfa/associate', auth: 'client', body: () => ({ mfa_token: tokens.proven, authenticator_type: 'webauthn', name: 'Key' }) },
    { method: 'POST', path: '/v1/mfa/associate/confirm', auth: 'client', body: () => ({ mfa_token: tokens.emailVerified, authenticator_id: UUID, otp: '123456' }) },
    { method: 'POST', path: '/v1/mfa/challenge', auth: 'client', body: () => ({ mfa_token: tokens.proven, challenge_type: 'otp' }) },
    { method: 'POST', path: '/v1/mfa/verify', auth: 'client', body: () => ({ mfa_token: tokens.emailVerified, otp: '123456', recovery_code: 'AAAA-AAAA-AAAA-AAAA' }) },
    { method: 'POST', path: '/v1/mfa/verify', auth: 'client', body: () => ({ mfa_token: tokens.proven, credential: { id: 'x', rawId: 'x', type: 'public-key', response: {} } }) },
    { method: 'POST', path: '/v1/mfa/recovery-codes/regenerate', auth: 'client', body: () => ({ mfa_token: tokens.proven }) },
    { method: 'GET', path: '/v1/admin/users/{userId}/history', auth: 'admin', params: { userId: 'fuzz-u' } },
    { method: 'DELETE', path: '/v1/admin/users/{userId}/history', auth: 'admin', params: { userId: 'fuzz-u' }, query: { assessor: 'NewDevice' } },
    { method: 'GET', path: '/v1/admin/users/{userId}/authenticators', auth: 'admin', params: { userId: ADMIN_USER } },
    { method: 'DELETE', path: '/v1/admin/users/{userId}/authenticators/{authenticatorId}', auth: 'admin', params: { userId: ADMIN_USER, authenticatorId: adminUserAuthenticator } },
    { method: 'DELETE', path: '/v1/admin/users/{userId}/mfa', auth: 'admin', params: { userId: 'fuzz-nobody' } },
    { method: 'DELETE', path: '/v1/admin/users/{userId}/remembered-browsers', auth: 'admin', params: { userId: 'fuzz-nobody' } },
    { method: 'GET', path: '/v1/admin/intel/sources', auth: 'admin' },
    { method: 'POST', path: '/v1/admin/intel/sources/{name}/refresh', auth: 'admin', params: { name: 'bogons' } },
    { method: 'GET', path: '/v1/admin/intel/ips/{ip}', auth: 'admin', params: { ip: IP.us } },
    { method: 'GET', path: '/v1/admin/intel/entries', auth: 'admin' },
    { method: 'POST', path: '/v1/admin/intel/entries', auth: 'admin', body: () => ({ network: '198.51.100.0/24', category: 'abuse', reason: 'fuzz', expires_in_hours: 1 }) },
    { method: 'DELETE', path: '/v1/admin/intel/entries', auth: 'admin', query: { network: '198.51.100.0/24' } },
    { method: 'GET', path: '/health/live', auth: 'none' },
    { method: 'GET', path: '/health/ready', auth: 'none' },
    { method: 'GET', path: '/metrics', auth: 'none' },
    { method: 'GET', path: '/.well-known/jwks.json', auth: 'none' },
    { method: 'GET', path: '/docs/json', auth: 'none' },
  ];

  /** One fuzzed request of `route`. */
  function requestOf(route: Route) {
    const keyFor = { client: KEYS.web, admin: KEYS.admin, none: null }[route.auth];
    const params = Object.fromEntries(Object.entries(route.params ?? {}).map(([k, v]) => [k, fc.oneof({ weight: 2, arbitrary: fc.constant(v) }, { weight: 1, arbitrary: pathSegment })]));
    const valid = route.body?.();
    const body: fc.Arbitrary<unknown> = valid
      ? fc.oneof(
          { weight: 2, arbitrary: fc.constant(valid) },
          { weight: 6, arbitrary: mutatedBody(valid) },
          { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
          { weight: 1, arbitrary: fc.string({ unit: codeUnit, maxLength: 40 }).map((s) => ({ raw: `{"mfa_token": ${s}` })) },
          { weight: 1, arbitrary: fc.constant(undefined) },
        )
      : fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) });
    return fc.record({
      method: fc.oneof({ weight: 9, arbitrary: fc.constant(route.method) }, { weight: 1, arbitrary: fc.constantFrom<Method>('GET', 'POST', 'DELETE') }),
      params: fc.record(params),
      query: fc.oneof(
        { weight: 3, arbitrary: fc.constant(route.query ?? {}) },
        { weight: 1, arbitrary: fc.dictionary(fc.string({ unit: 'grapheme-ascii', maxLength: 10 }), fc.string({ unit: 'grapheme', maxLength: 20 }), { maxKeys: 2 }) },
      ),
      body,
      authorization: fc.oneof(
        { weight: 6, arbitrary: fc.constant(keyFor === null ? undefined : `Bearer ${keyFor}`) },
        { weight: 1, arbitrary: fc.constantFrom(`Bearer ${KEYS.web}`, `Bearer ${KEYS.admin}`, `Bearer ${KEYS.ropg}`, undefined) },
        { weight: 1, arbitrary: headerValue },
      ),
      contentType: fc.oneof(
        { weight: 6, arbitrary: fc.constant('application/json') },
        { weight: 1, arbitrary: fc.constantFrom('application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/JSON') },
        { weight: 1, arbitrary: headerValue },
      ),
      /** Send the content type with no body now and then (fastify answers that with its own error). */
      typeWithoutBody: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
      extraHeaders: fc.dictionary(
        fc.constantFrom('x-request-id', 'x-mfa-token', 'auth0-forwarded-for', 'accept', 'x-forwarded-for'),
        fc.oneof(headerValue, tokenArb(), fc.constantFrom(IP.tokyo, '10.0.0.1', 'unknown')),
        { maxKeys: 3 },
      ),
    });
  }

  function urlOf(route: Route, params: Record<string, string>, query: Record<string, string>): string {
    const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? '');
    const q = new URLSearchParams(query).toString();
    return q ? `${path}?${q}` : path;
  }

  /**
   * A non-2xx answer is `{"error": {code, message, request_id}}`, the id as in `x-request-id`
   * (docs/api.md, "Requests and errors").
   */
  function expectVigilAnswer(res: LightMyRequestResponse, what: string): void {
    expect(res.statusCode, `${what} → ${res.body.slice(0, 300)}`).toBeLessThan(500);
    if (res.statusCode < 400) return;
    const body = JSON.parse(res.body) as { error?: { code?: string; message?: unknown; request_id?: unknown } };
    expect(Object.keys(body), what).toEqual(['error']);
    expect(Object.keys(body.error ?? {}).sort(), what).toEqual(['code', 'message', 'request_id']);
    expect(Object.hasOwn(ERROR_CODES, body.error!.code!), `${what}: code ${body.error!.code}`).toBe(true);
    expect(ERROR_CODES[body.error!.code as keyof typeof ERROR_CODES].status, what).toBe(res.statusCode);
    expect(body.error!.request_id, what).toBe(res.headers['x-request-id']);
  }

  it('covers every route of the OpenAPI document', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    const fuzzed = new Set(routes().map((r) => `${r.method} ${r.path}`));
    expect(documented.filter((r) => !fuzzed.has(r))).toEqual([]);
  });

  it(`never answers 5xx, always in Vigil's error shape (${RUNS} requests, seed ${SEED}), and still serves afterwards`, async () => {
    const all = routes();
    const arb = fc.integer({ min: 0, max: all.length - 1 }).chain((i) => requestOf(all[i]!).map((req) => ({ route: all[i]!, req })));
    await fc.assert(
      fc.asyncProperty(arb, async ({ route, req }) => {
        const url = urlOf(route, req.params, req.query);
        const raw = typeof req.body === 'object' && req.body !== null && 'raw' in req.body && Object.keys(req.body).length === 1;
        const payload = req.body === undefined || req.method === 'GET' ? undefined : raw ? String((req.body as { raw: string }).raw) : JSON.stringify(req.body);
        const typed = payload !== undefined || req.typeWithoutBody;
        const headers: Record<string, string> = { ...(typed ? { 'content-type': req.contentType } : {}), ...route.headers?.(), ...req.extraHeaders };
        if (req.authorization !== undefined) headers.authorization = req.authorization;
        const res = await t.app.inject({ method: req.method, url, headers, ...(payload === undefined ? {} : { payload }) });
        expectVigilAnswer(res, `${req.method} ${url} ${payload?.slice(0, 200) ?? ''}`);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );

    // Still serving: probes, an assessment, and a whole MFA enrollment of a new user.
    expect((await t.app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    expect((await mfa.post('/v1/assess', { user_id: 'fuzz-after', application: 'web' })).statusCode).toBe(200);
    await mfa.enrollTotp({ user_id: 'fuzz-after-mfa', email: 'fuzz-after-mfa@example.com' });
  });
});
