import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROME, IP, metricValue, post } from '../http/helpers.js';
import { KEYS, bearer, makeTestApp, testFileConfig, type TestApp } from '../support/app.js';
import { eventually } from '../support/list-server.js';
import { BROWSERS } from '../support/logins.js';
import { fakeClock } from '../support/mfa.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';

/**
 * Item 13 (docs/operations.md, "Redis faults"): after Redis lost its data, Vigil failed open
 * without a word. An enrolled user logging in from a new device in another country looked like
 * a first login and was allowed; queued code emails vanished uncounted; the IP list refresh
 * schedules were gone until a restart; `/health/ready` and the list metrics looked normal.
 */

const HOUR = 3_600_000;

describe('13. data loss went unnoticed', () => {
  let redis: TestRedis;
  let dir: string;
  let smtp: SmtpSink;
  let a: TestApp;
  const clock = fakeClock();
  let file: Record<string, unknown>;
  let env: Record<string, string>;

  beforeAll(async () => {
    redis = await startTestRedis();
    dir = await mkdtemp(join(tmpdir(), 'vigil-loss-'));
    await writeFile(join(dir, 'blocklist.txt'), '192.0.2.0/24\n');
    // Refuses every message for now: code emails wait in the queue for their next attempt.
    smtp = await startSmtpSink({ onMailFrom: (_a, _s, cb) => cb(Object.assign(new Error('try again later'), { responseCode: 421 })) });
    file = testFileConfig({ lists: [{ name: 'blocklist', path: join(dir, 'blocklist.txt'), category: 'abuse' }] });
    env = {
      VIGIL_REDIS_MARKER_CHECK_MS: '50',
      VIGIL_INTEL_SYNC_MS: '50',
      SMTP_URL: smtp.url,
    };
    a = await makeTestApp({ redisUrl: redis.url, file, env, now: clock.now });
  });
  afterAll(async () => {
    await a?.close();
    await smtp?.close();
    await redis?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const schedulers = async () => {
    const q = new Queue('intel-refresh', { connection: { host: '127.0.0.1', port: redis.port }, prefix: 'vigil:{bull}' });
    try {
      return (await q.getJobSchedulers()).map((s) => s.key);
    } finally {
      await q.close();
    }
  };
  const ready = (t: TestApp, key?: string) => t.app.inject({ url: '/health/ready', ...(key ? { headers: bearer(key) } : {}) });

  it('is found, surfaced in health and metrics, and the window after it fails closed', async () => {
    const alice = { user_id: 'alice', email: 'alice@example.com', ip: IP.london, user_agent: CHROME, device_id: 'a1' };
    expect((await post(a.app, '/v1/assess', KEYS.web, alice)).json()).toMatchObject({ committed: true });
    const known = (await post(a.app, '/v1/assess', KEYS.web, alice)).json();
    expect(known.risk_assessment.assessments.NewDevice.code).toBe('match');
    expect((await ready(a)).json()).toEqual({ status: 'ready' });
    // A manual deny entry, and a code email waiting for its next attempt, as the scrape saw it.
    const entry = await a.app.inject({ method: 'POST', url: '/v1/admin/intel/entries', headers: bearer(KEYS.admin), payload: { network: '198.18.7.0/24', reason: 'abuse seen' } });
    expect(entry.statusCode).toBe(201);
    await a.deps.mfa.mailer!.sendCode('bob@example.com', 'challenge', '123456');
    await eventually(async () => (await metricValue(a.app, 'vigil_email_queue_jobs', { state: 'delayed' })) + (await metricValue(a.app, 'vigil_email_queue_jobs', { state: 'active' })) >= 1, 5000, 'the email queued');
    expect(await schedulers()).toEqual(['refresh:blocklist']);
    // One look at the intact data after that scrape: what a loss would take is counted from it.
    // (Looks run every 50 ms anyway; this makes one certain. `?.`: the code before the fix had
    // no watch, and must fail below, where the loss goes unnoticed.)
    await a.deps.redisData?.check();

    await redis.client().flushall();

    // Was: nothing at all.
    await eventually(async () => (await metricValue(a.app, 'vigil_redis_data_losses_total')) === 1, 3000, 'the loss to be found');
    expect(await metricValue(a.app, 'vigil_redis_data_loss_fail_closed')).toBe(1);
    expect(await metricValue(a.app, 'vigil_email_deliveries_total', { result: 'lost' })).toBeGreaterThanOrEqual(1);
    expect((await ready(a)).statusCode).toBe(200);
    expect((await ready(a)).json()).toEqual({ status: 'degraded' });
    const checks = (await ready(a, KEYS.admin)).json().checks;
    expect(checks.redis_data.lost_at).toEqual(expect.any(String));
    expect(Date.parse(checks.redis_data.fail_closed_until) - Date.parse(checks.redis_data.lost_at)).toBe(24 * HOUR);
    expect(Date.parse(checks.redis_data.since)).toBe(Date.parse(checks.redis_data.lost_at));

    // Was: initial_login, allowed, and the attacker's device learned.
    const abroad = { ...alice, ip: IP.tokyo, user_agent: BROWSERS.d2, device_id: 'stolen' };
    const after = (await post(a.app, '/v1/assess', KEYS.web, abroad)).json();
    expect(after.context.history).toBe('lost');
    expect(after.risk_assessment.assessments.NewDevice.code).toBe('assessment_not_available');
    expect(after.committed).toBe(false);
    expect(after.decision).toMatchObject({ action: 'challenge', mfa: { step: 'email_verification', mfa_token: expect.any(String) } });

    // The schedules are back, their first run stores the list anew, and the manual entry is written back.
    await eventually(async () => (await schedulers()).includes('refresh:blocklist'), 5000, 'the refresh schedule');
    await eventually(async () => (await a.deps.feeds.store.state('blocklist')).version >= 1, 5000, 'the list stored again');
    const manual = await redis.client().hkeys('vigil:{intel}:manual');
    expect(manual).toEqual(['198.18.7.0/24']);

    // An instance started inside the window learns of the loss from the marker.
    const b = await makeTestApp({ redisUrl: redis.url, file, env, now: clock.now });
    try {
      expect((await ready(b)).json()).toEqual({ status: 'degraded' });
      expect((await post(b.app, '/v1/assess', KEYS.web, { user_id: 'carol', ip: IP.london })).json().context.history).toBe('lost');
      // Known before the loss, not seen since: as empty as any.
      expect((await post(b.app, '/v1/assess', KEYS.web, { user_id: 'alice', ip: IP.london, user_agent: CHROME, device_id: 'a1' })).json().context.history).toBe('lost');
    } finally {
      await b.close();
    }

    // Past the window an empty history is a first login again, and health is back to ready.
    clock.advance(24 * HOUR + 1);
    await eventually(async () => (await metricValue(a.app, 'vigil_redis_data_loss_fail_closed')) === 0, 3000, 'the window to close');
    expect((await ready(a)).json()).toEqual({ status: 'ready' });
    const later = (await post(a.app, '/v1/assess', KEYS.web, { user_id: 'dave', ip: IP.london, user_agent: CHROME, device_id: 'd1' })).json();
    expect(later.context.history).toBe('loaded');
    expect(later.risk_assessment.assessments.NewDevice.code).toBe('initial_login');
  });
});
