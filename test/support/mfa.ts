import type { LightMyRequestResponse } from 'fastify';
import { createLocalJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { afterAll, beforeAll, expect } from 'vitest';
import { TOTP_DRIFT_STEPS, codeAtStep, timeStep } from '../../src/mfa/otp/totp.js';
import { KEYS, bearer, makeTestApp, testFileConfig, type TestApp } from './app.js';
import { startTestRedis, type TestRedis } from './redis-server.js';
import { codeOf, startSmtpSink, type SmtpSink } from './smtp-sink.js';
import type { SoftAuthenticator } from './soft-authenticator.js';

/** The WebAuthn origin the default config accepts (`mfa.webauthn.origins`). */
export const ORIGIN = 'http://localhost:3000';

/**
 * Shared steps of the MFA HTTP tests (test/http/mfa-*.test.ts): their setup (`useMfaApp`), a
 * hand-moved clock, TOTP codes at that clock, and the flows every file needs before it can test
 * its own thing (a challenged assessment, the email verification step, a TOTP enrollment), all
 * through `app.inject()`.
 */

/**
 * Environment for MFA test apps: the production deadlines (200 ms per Redis command, 250 ms per
 * assessment, 50 ms per assessor) measure the machine, and a loaded 2-core box misses them now
 * and then, turning a challenge into a 503 or an allowed login into a challenge. These tests are
 * not about that (test/integration/redis-outage.test.ts is).
 */
export const TEST_DEADLINES = {
  VIGIL_REDIS_TIMEOUT_MS: '5000',
  VIGIL_ASSESS_DEADLINE_MS: '5000',
  VIGIL_ASSESSOR_DEADLINE_MS: '5000',
} as const;

/** A clock that moves only when the test says so; hand `now` to `makeTestApp({ now })`. */
export interface FakeClock {
  now: () => number;
  advance(ms: number): void;
}

/**
 * A fake clock starting near the real time (Redis TTLs are real, so the two should not drift
 * apart by days), one second into a TOTP step so no code sits on a step boundary.
 */
export function fakeClock(startMs = Math.floor(Date.now() / 30_000) * 30_000 + 1_000): FakeClock {
  let t = startMs;
  return {
    now: () => t,
    advance(ms) {
      t += ms;
    },
  };
}

/** The TOTP code for `secret` at `nowMs`, `offsetSteps` 30-second steps away. */
export function totpAt(secret: string, nowMs: number, offsetSteps = 0): string {
  return codeAtStep(secret, timeStep(nowMs) + offsetSteps);
}

/** A well-formed 6-digit code that no step in the verification window at `nowMs` accepts. */
export function wrongTotpAt(secret: string, nowMs: number): string {
  const step = timeStep(nowMs);
  const window = new Set<string>();
  for (let s = step - TOTP_DRIFT_STEPS - 1; s <= step + TOTP_DRIFT_STEPS + 1; s++) window.add(codeAtStep(secret, s));
  for (let n = 0; ; n++) {
    const candidate = String(n).padStart(6, '0');
    if (!window.has(candidate)) return candidate;
  }
}

/** A JSON answer, as the tests read it. */
export type Json = any;

export interface AssessInput {
  user_id: string;
  email?: string;
  ip?: string;
  device_id?: string;
  user_agent?: string;
  application?: string;
  acr_values?: string;
}

export interface TotpEnrollment {
  secret: string;
  authenticatorId: string;
  recoveryCodes: string[];
  /** The mfa_token the enrollment ran on (its result is issued). */
  token: string;
}

/** MFA calls against one test app; `smtp` receives code emails, `clock` drives the app's `now`. */
export class MfaClient {
  constructor(
    readonly t: TestApp,
    readonly clock: FakeClock,
    readonly smtp: SmtpSink | null = null,
  ) {}

  post(url: string, payload: unknown, key: string = KEYS.web, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    return this.t.app.inject({ method: 'POST', url, headers: { ...bearer(key), ...headers }, payload: payload as Record<string, unknown> });
  }

  /** POST and expect 200; the JSON answer. */
  async ok(url: string, payload: unknown, key: string = KEYS.web): Promise<Json> {
    const res = await this.post(url, payload, key);
    expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
    return res.json();
  }

  listAuthenticators(token: string, key: string = KEYS.web): Promise<LightMyRequestResponse> {
    return this.t.app.inject({ method: 'GET', url: '/v1/mfa/authenticators', headers: { ...bearer(key), 'x-mfa-token': token } });
  }

  assess(input: AssessInput): Promise<Json> {
    return this.ok('/v1/assess', input);
  }

  /** Assess a login that must be challenged; its answer, with `decision.mfa.mfa_token` set. */
  async challenged(input: AssessInput): Promise<Json> {
    const a = await this.assess(input);
    expect(a.decision.action, JSON.stringify(a.decision)).toBe('challenge');
    expect(a.decision.mfa.mfa_token).toEqual(expect.any(String));
    return a;
  }

  /** The mfa_token of a login that must be challenged. */
  async token(input: AssessInput): Promise<string> {
    return (await this.challenged(input)).decision.mfa.mfa_token as string;
  }

  /** The next code email to `email`, waiting for the queue and SMTP (the one generous wait). */
  async codeFor(email: string): Promise<string> {
    if (!this.smtp) throw new Error('this MfaClient has no SMTP sink');
    return codeOf(await this.smtp.nextFor(email, 15_000));
  }

  /** Send and answer the email verification step on `token`; the verify answer. */
  async verifyEmail(token: string, email: string): Promise<Json> {
    await this.ok('/v1/mfa/email-verification', { mfa_token: token });
    return this.ok('/v1/mfa/email-verification/verify', { mfa_token: token, code: await this.codeFor(email) });
  }

  /**
   * Take an unenrolled user through email verification and a TOTP enrollment. The code of the
   * clock's current step is spent by the confirmation: the next verification needs a later step.
   */
  async enrollTotp(input: AssessInput & { email: string }): Promise<TotpEnrollment> {
    const risky = await this.challenged(input);
    expect(risky.decision.mfa).toMatchObject({ enrolled: false, step: 'email_verification' });
    const token: string = risky.decision.mfa.mfa_token;
    await this.verifyEmail(token, input.email);
    const assoc = await this.ok('/v1/mfa/associate', { mfa_token: token, authenticator_type: 'otp' });
    expect(assoc.recovery_codes).toHaveLength(10);
    await this.ok('/v1/mfa/associate/confirm', {
      mfa_token: token,
      authenticator_id: assoc.authenticator_id,
      otp: totpAt(assoc.secret, this.clock.now()),
    });
    return { secret: assoc.secret, authenticatorId: assoc.authenticator_id, recoveryCodes: assoc.recovery_codes, token };
  }

  /**
   * Take an unenrolled user through email verification and a WebAuthn enrollment with
   * `authenticator`; the confirm answer and the token it ran on.
   */
  async enrollWebauthn(input: AssessInput & { email: string }, authenticator: SoftAuthenticator): Promise<{ authenticatorId: string; token: string; confirmed: Json }> {
    const token = await this.token(input);
    await this.verifyEmail(token, input.email);
    const assoc = await this.ok('/v1/mfa/associate', { mfa_token: token, authenticator_type: 'webauthn' });
    const credential = authenticator.register(assoc.options, { origin: ORIGIN });
    const confirmed = await this.ok('/v1/mfa/associate/confirm', { mfa_token: token, authenticator_id: assoc.authenticator_id, credential });
    return { authenticatorId: assoc.authenticator_id, token, confirmed };
  }

  /** Start a WebAuthn challenge on `token`; the request options for the authenticator. */
  async webauthnOptions(token: string): Promise<Json> {
    const started = await this.ok('/v1/mfa/challenge', { mfa_token: token, challenge_type: 'webauthn' });
    expect(started).toMatchObject({ authenticator_type: 'webauthn', challenge_type: 'webauthn' });
    return started.options;
  }

  /** The current TOTP code for `secret` at the fake clock. */
  totp(secret: string, offsetSteps = 0): string {
    return totpAt(secret, this.clock.now(), offsetSteps);
  }

  wrongTotp(secret: string): string {
    return wrongTotpAt(secret, this.clock.now());
  }

  /** Check a result token's signature against the app's JWKS, and return its claims. */
  async resultClaims(token: string, audience = 'default'): Promise<JWTPayload> {
    const jwks = (await this.t.app.inject({ url: '/.well-known/jwks.json' })).json();
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), {
      issuer: 'Vigil',
      audience,
      algorithms: ['ES256'],
      currentDate: new Date(this.clock.now()),
    });
    return payload;
  }
}

/** Status codes of many answers, counted: `{ 403: 10, 429: 20 }`. */
export function statusCounts(responses: readonly LightMyRequestResponse[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const r of responses) counts[r.statusCode] = (counts[r.statusCode] ?? 0) + 1;
  return counts;
}

/** What {@link useMfaApp} sets up for the tests of one `describe`. */
export interface MfaApp {
  redis: TestRedis;
  /** Receives the code emails; not there with `smtp: false`. */
  smtp: SmtpSink;
  t: TestApp;
  clock: FakeClock;
  mfa: MfaClient;
}

export interface MfaAppOptions {
  /** The config file; default: the test clients, and every login of `default` challenged. */
  file?: Record<string, unknown>;
  /**
   * Environment on top of {@link TEST_DEADLINES} and `SMTP_URL`. A function is called in the
   * `beforeAll`, after the hooks registered before `useMfaApp`: for values known only then.
   */
  env?: Record<string, string> | (() => Record<string, string>);
  /** Start an SMTP sink and send code emails to it (default true). */
  smtp?: boolean;
}

/**
 * The setup of the MFA HTTP tests, as hooks of the calling `describe`: before all, a test
 * redis-server and an SMTP sink, a fake clock, the app on them and an {@link MfaClient}; after
 * all, everything closed again. What it returns can be destructured at once and used from the
 * first test on: each is a stand-in for what the `beforeAll` makes.
 */
export function useMfaApp(opts: MfaAppOptions = {}): MfaApp {
  let redis: TestRedis | null = null;
  let smtp: SmtpSink | null = null;
  let t: TestApp | null = null;
  let clock: FakeClock | null = null;
  let mfa: MfaClient | null = null;

  beforeAll(async () => {
    [redis, smtp] = await Promise.all([startTestRedis(), opts.smtp === false ? null : startSmtpSink()]);
    clock = fakeClock();
    const env = typeof opts.env === 'function' ? opts.env() : opts.env;
    t = await makeTestApp({
      redisUrl: redis.url,
      env: { ...TEST_DEADLINES, ...(smtp ? { SMTP_URL: smtp.url } : {}), ...env },
      now: clock.now,
      file: opts.file ?? testFileConfig({ applications: { default: { mfaPolicy: 'always' } } }),
    });
    mfa = new MfaClient(t, clock, smtp);
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([redis?.stop(), smtp?.close()]);
  });

  return {
    redis: standIn('redis', () => redis),
    smtp: standIn('smtp', () => smtp),
    t: standIn('t', () => t),
    clock: standIn('clock', () => clock),
    mfa: standIn('mfa', () => mfa),
  };
}

/** An object that forwards to what `current` returns, once there is something. */
function standIn<T extends object>(name: string, current: () => T | null): T {
  return new Proxy({} as T, {
    get(_, key) {
      const target = current();
      if (!target) throw new Error(`useMfaApp: no ${name} (before its beforeAll, or not set up)`);
      const value: unknown = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
