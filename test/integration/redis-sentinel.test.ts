import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYS, bearer, makeTestApp, type TestApp } from '../support/app.js';
import { eventually } from '../support/list-server.js';
import { BROWSERS, IP } from '../support/logins.js';
import { SENTINEL_GROUP, startTestSentinel, type TestSentinel } from '../support/redis-sentinel.js';

const PRODUCTION_DEADLINES = { VIGIL_REDIS_TIMEOUT_MS: '200', VIGIL_ASSESS_DEADLINE_MS: '250', VIGIL_ASSESSOR_DEADLINE_MS: '50' };

/** Vigil through Redis Sentinel: a master, a replica and one Sentinel (test/support/redis-sentinel.ts). */
describe('Vigil through Redis Sentinel', () => {
  let sentinel: TestSentinel;
  let t: TestApp;

  beforeAll(async () => {
    sentinel = await startTestSentinel();
    t = await makeTestApp({ redisEnv: sentinel.env, env: PRODUCTION_DEADLINES });
  }, 30_000);
  afterAll(async () => {
    await t?.close();
    await sentinel?.stop();
  });

  const assess = async (user: string) => {
    const started = performance.now();
    const r = await t.app.inject({ method: 'POST', url: '/v1/assess', headers: bearer(KEYS.web), payload: { user_id: user, ip: IP.london, device_id: 'd1', user_agent: BROWSERS.d1 } });
    expect(r.statusCode).toBe(200);
    return { ms: performance.now() - started, body: r.json() };
  };

  it('finds the master through the Sentinel, and follows it to the replica on a failover without a restart', { timeout: 30_000 }, async () => {
    expect((await assess('frank')).body).toMatchObject({ committed: true, context: { history: 'loaded' } });
    expect(await sentinel.node(sentinel.master).hget('vigil:{u:frank}', 'k')).toEqual(expect.any(String));
    // Let the replica have frank's history before it takes over.
    await sentinel.node(sentinel.master).call('WAIT', '1', '2000');

    const answers: Awaited<ReturnType<typeof assess>>[] = [];
    let stop = false;
    const lane = (async () => {
      for (let i = 0; !stop; i++) answers.push(await assess(`lane-${i % 5}`));
    })();
    // The Sentinel refuses (NOGOODSLAVE) until its own look at the replica finds it in sync.
    await eventually(
      () => sentinel.sentinelClient().call('SENTINEL', 'FAILOVER', SENTINEL_GROUP).then(() => true, (err: Error) => (/NOGOODSLAVE/.test(err.message) ? false : Promise.reject(err))),
      15_000,
      'the Sentinel accepting the failover',
    );
    await eventually(async () => (await sentinel.currentMaster()) === sentinel.replica, 15_000, 'the Sentinel naming the replica master');
    await eventually(async () => {
      const r = await assess('frank');
      return r.body.context.history === 'loaded' && r.body.committed === true;
    }, 15_000, 'logins served by the new master');
    stop = true;
    await lane;

    for (const a of answers) {
      expect(a.ms).toBeLessThan(t.config.assessDeadlineMs + 150);
      if (a.body.context.history === 'unavailable') expect(a.body.decision.action).not.toBe('allow');
    }
    // Sentinel may move the clients once more as the old master turns replica: allow a retry.
    await eventually(async () => (await assess('frank')).body.risk_assessment.assessments.NewDevice.code === 'match', 10_000, 'frank known on the new master');
    // The write went to the promoted replica.
    expect(await sentinel.node(sentinel.replica).hget('vigil:{u:frank}', 'l')).toEqual(expect.any(String));
    expect((await sentinel.node(sentinel.replica).info('replication')).includes('role:master')).toBe(true);
  });
});
