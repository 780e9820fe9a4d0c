import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import nodemailer from 'nodemailer';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmailDelivery, type EmailDelivery } from '../../src/mfa/delivery/email-queue.js';
import { createRedisConnections, type RedisConnections } from '../../src/platform/redis/redis-connections.js';
import { metricValue } from '../http/helpers.js';
import { makeTestApp } from '../support/app.js';
import { eventually } from '../support/list-server.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';

/**
 * Item 14 (docs/operations.md, "Redis faults"): code emails were retried 5 times from 1 s, 15 s
 * in all, for a code valid 300 s, so a 30 s SMTP outage lost every code while the API had
 * answered `sent: true`; and nodemailer's default timeouts (2 minutes to connect, 30 s for the
 * greeting, 10 minutes of silence) let a hung server hold the delivery slots. Times here are
 * scaled down through the delivery's options; the schedule itself is test/unit/retry-delay.test.ts.
 */

let redis: TestRedis;
let conns: RedisConnections;
/** An SMTP server that refuses every message with 421 (try again later) while `down`. */
let smtp: SmtpSink;
let smtpPort: number;
let down = false;
const refused: number[] = [];
const delivered = () => smtp.received.flatMap((m) => m.to);

beforeAll(async () => {
  redis = await startTestRedis();
  conns = createRedisConnections({ mode: 'single', url: redis.url, keyPrefix: 't:', timeoutMs: 2000 }, pino({ level: 'silent' }));
  smtp = await startSmtpSink({
    onMailFrom(_address, _session, cb) {
      if (!down) return cb();
      refused.push(performance.now());
      cb(Object.assign(new Error('try again later'), { responseCode: 421 }));
    },
  });
  smtpPort = Number(new URL(smtp.url).port);
});
afterAll(async () => {
  await smtp.close();
  await conns.close();
  await redis.stop();
});

const silent = { info() {}, warn() {}, error() {} };
let prefixN = 0;

function delivery(over: Partial<Parameters<typeof createEmailDelivery>[0]>, hooks: { failed?: () => void } = {}): EmailDelivery {
  return createEmailDelivery({
    connection: { queue: conns.bullmq('queue'), worker: conns.bullmq('worker') },
    transport: nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true }),
    from: 'Vigil <no-reply@vigil.test>',
    logger: silent,
    prefix: `r${++prefixN}:{bull}`,
    hooks,
    ...over,
  });
}

describe('14. email retries ended long before the code did', () => {
  it('an SMTP outage longer than the old 5 attempts delays the code, and it is delivered within its life', async () => {
    // Scaled: a code living 5 s, retries from 20 ms doubling to 100 ms, an outage of 2 s. Each
    // attempt costs ~200 ms here (a new SMTP connection, BullMQ moving the delayed job): the old
    // schedule's 5 attempts were spent in about one second.
    const d = delivery({ backoffMs: 20, maxBackoffMs: 100, retryForMs: 5000 });
    try {
      down = true;
      const before = refused.length;
      setTimeout(() => (down = false), 2000);
      await d.enqueue({ to: 'outage@example.com', subject: 's', text: 't', html: 'h' });
      await eventually(() => delivered().includes('outage@example.com'), 5000, 'the code email after the outage');
      expect(refused.length - before).toBeGreaterThan(5);
    } finally {
      down = false;
      await d.close();
    }
  });

  it('a code past its life is not sent: the job fails for good when its code expires', async () => {
    let failed = 0;
    const d = delivery({ backoffMs: 20, maxBackoffMs: 50, retryForMs: 400 }, { failed: () => failed++ });
    try {
      down = true;
      const started = performance.now();
      await d.enqueue({ to: 'expired@example.com', subject: 's', text: 't', html: 'h' });
      await eventually(() => failed === 1, 3000, 'the final failure');
      expect(performance.now() - started).toBeLessThan(1500);
      expect((await d.counts()).failed).toBe(1);
    } finally {
      down = false;
      await d.close();
    }
    expect(delivered()).not.toContain('expired@example.com');
  });

  describe('a hung SMTP server', () => {
    let hung: Server;
    const sockets: Socket[] = [];

    beforeAll(async () => {
      // Accepts and never greets, as a server stuck in its own outage does.
      hung = createServer((s) => void sockets.push(s));
      await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    });
    afterAll(async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => hung.close(() => resolve()));
    });

    it('gives up on it within VIGIL_SMTP_TIMEOUT_MS and retries, instead of holding a delivery slot for 30 s', async () => {
      const port = (hung.address() as AddressInfo).port;
      const t = await makeTestApp({ redisUrl: redis.url, env: { SMTP_URL: `smtp://127.0.0.1:${port}`, VIGIL_SMTP_TIMEOUT_MS: '1000' } });
      try {
        const started = performance.now();
        await t.deps.mfa.mailer!.sendCode('hung@example.com', 'challenge', '123456');
        await eventually(async () => (await metricValue(t.app, 'vigil_email_deliveries_total', { result: 'retried' })) >= 1, 4000, 'a retry');
        expect(sockets.length).toBeGreaterThanOrEqual(1);
        expect(performance.now() - started).toBeLessThan(3000);
      } finally {
        // The next attempt is hung too: free it so the worker closes at once.
        for (const s of sockets) s.destroy();
        await t.close();
      }
    });
  });
});
