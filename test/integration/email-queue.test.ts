import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { Queue } from 'bullmq';
import nodemailer from 'nodemailer';
import { pino } from 'pino';
import { createEmailDelivery, EMAIL_QUEUE, type EmailDelivery, type EmailDeliveryHooks } from '../../src/mfa/delivery/email-queue.js';
import { renderCodeEmail } from '../../src/mfa/delivery/templates.js';
import { checkEmailCode, issueEmailCode } from '../../src/mfa/email/code.js';
import { createRedisConnections, type RedisConnections } from '../../src/platform/redis/redis-connections.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { closeAndAwaitEnds, unhandledRejectionsDuring } from '../support/unhandled.js';
import { factorEnv } from '../unit/factor-env-fixture.js';

/**
 * A real SMTP server on a free loopback port. MAIL FROM `flaky@` is refused with 421 (a
 * temporary failure) and RCPT TO `nobody@` with 550 (permanent); every attempt is recorded.
 */
let smtp: SmtpSink;
let smtpPort: number;
const attempts: { from: string; atMs: number }[] = [];
let redis: TestRedis;
let conns: RedisConnections;

/** Vigil's Redis connections to `url` (BullMQ's among them), logging to `logger`. */
const connectionsTo = (url: string, logger = pino({ level: 'silent' })) =>
  createRedisConnections({ mode: 'single', url, keyPrefix: 't:', timeoutMs: 2000 }, logger);
const bull = (c: RedisConnections) => ({ queue: c.bullmq('queue'), worker: c.bullmq('worker') });

beforeAll(async () => {
  redis = await startTestRedis();
  conns = connectionsTo(redis.url);
  smtp = await startSmtpSink({
    onMailFrom(address, _session, cb) {
      attempts.push({ from: address.address, atMs: performance.now() });
      if (address.address.startsWith('flaky@')) return cb(Object.assign(new Error('try again later'), { responseCode: 421 }));
      cb();
    },
    onRcptTo(address, _session, cb) {
      if (address.address.startsWith('nobody@')) return cb(Object.assign(new Error('no such user'), { responseCode: 550 }));
      cb();
    },
  });
  smtpPort = Number(new URL(smtp.url).port);
});

afterAll(async () => {
  await smtp.close();
  await conns.close();
  await redis.stop();
});

const open: EmailDelivery[] = [];
afterEach(async () => {
  for (const d of open.splice(0)) await d.close();
});

function smtpTransport() {
  return nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
}

/** Hooks that count calls and let a test await one. */
function recordingHooks() {
  const calls = { queued: 0, sent: 0, retried: 0, failed: 0 };
  const waiting: Partial<Record<keyof typeof calls, () => void>> = {};
  const hooks: EmailDeliveryHooks = {};
  for (const k of Object.keys(calls) as (keyof typeof calls)[]) {
    hooks[k] = () => {
      calls[k]++;
      waiting[k]?.();
    };
  }
  const next = (k: keyof typeof calls) => new Promise<void>((resolve) => (waiting[k] = resolve));
  return { calls, hooks, next };
}

const silent = { info() {}, warn() {}, error() {} };
let prefixN = 0;

function delivery(over: Partial<Parameters<typeof createEmailDelivery>[0]> = {}) {
  const d = createEmailDelivery({
    connection: bull(conns),
    transport: smtpTransport(),
    from: 'Vigil <no-reply@vigil.test>',
    logger: silent,
    // A prefix per test keeps queues apart on the one Redis.
    prefix: `t${++prefixN}:{bull}`,
    ...over,
  });
  open.push(d);
  return d;
}

/** The decoded text/plain part of a (possibly multipart) message, as a mail client would show it. */
function textPart(raw: string): string {
  const [head = '', ...rest] = raw.split(/\r?\n\r?\n/);
  const body = rest.join('\n\n');
  const headers = head.replace(/\r?\n[ \t]+/g, ' ');
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(headers)?.[1];
  if (boundary) {
    for (const part of body.split(`--${boundary}`)) {
      if (/content-type:\s*text\/plain/i.test(part)) return textPart(part.replace(/^\r?\n/, ''));
    }
    throw new Error('no text/plain part');
  }
  if (/content-transfer-encoding:\s*quoted-printable/i.test(headers)) {
    return body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  }
  if (/content-transfer-encoding:\s*base64/i.test(headers)) return Buffer.from(body, 'base64').toString('utf8');
  return body;
}

describe('createEmailDelivery', () => {
  it('sends a code email through the queue and a real SMTP server; the received code verifies', async () => {
    const { calls, hooks, next } = recordingHooks();
    const d = delivery({ hooks });
    const env = factorEnv();
    const { pending, deliver } = issueEmailCode(env, 'challenge');
    const content = renderCodeEmail({ code: deliver.code, purpose: deliver.purpose, issuer: 'Vigil Test' });

    const arrived = smtp.nextFor(deliver.to);
    const sent = next('sent');
    await d.enqueue({ to: deliver.to, ...content });
    const msg = await arrived;
    await sent;

    expect(msg.from).toBe('no-reply@vigil.test');
    expect(msg.to).toEqual(['ada@example.com']);
    expect(msg.raw).toMatch(/^Subject: Your Vigil Test sign-in code\r?$/m);
    const text = textPart(msg.raw);
    const code = /^\s+(\d{6})\s*$/m.exec(text)?.[1];
    expect(code).toBe(deliver.code);
    expect(checkEmailCode(env, pending, code)).toEqual({ ok: true, state: {} });
    expect(calls).toEqual({ queued: 1, sent: 1, retried: 0, failed: 0 });
    // Completed jobs are removed at once: they hold live codes.
    expect(await d.counts()).toEqual({ waiting: 0, active: 0, delayed: 0, failed: 0 });
  });

  it('retries a temporary SMTP failure with exponential backoff, then counts it failed and keeps the job', async () => {
    const { calls, hooks, next } = recordingHooks();
    const prefix = 'retry:{bull}';
    const d = delivery({ hooks, from: 'flaky@vigil.test', attempts: 3, backoffMs: 100, prefix });
    const before = attempts.length;
    const failed = next('failed');
    await d.enqueue({ to: 'ada@example.com', subject: 's', text: 't', html: 'h' });
    await failed;

    const tries = attempts.slice(before).filter((a) => a.from === 'flaky@vigil.test');
    expect(tries).toHaveLength(3);
    const [a, b, c] = tries.map((t) => t.atMs) as [number, number, number];
    expect(b - a).toBeGreaterThanOrEqual(95); // 100 ms, then
    expect(c - b).toBeGreaterThanOrEqual(195); // 200 ms: doubling
    expect(calls).toEqual({ queued: 1, sent: 0, retried: 2, failed: 1 });
    expect(await d.counts()).toEqual({ waiting: 0, active: 0, delayed: 0, failed: 1 });

    const q = new Queue(EMAIL_QUEUE, { connection: { host: '127.0.0.1', port: redis.port }, prefix });
    try {
      const [job] = await q.getFailed();
      expect(job?.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(job?.data).toEqual({ to: 'ada@example.com', subject: 's', text: 't', html: 'h' });
      expect(job?.attemptsMade).toBe(3);
      // Computed by the worker: doubling from backoffMs, for the code's life (retryDelayMs).
      expect(job?.opts.backoff).toEqual({ type: 'code-life' });
      expect(job?.failedReason).toContain('try again later');
    } finally {
      await q.close();
    }
  });

  it('does not retry a permanent refusal (SMTP 5xx)', async () => {
    const { calls, hooks, next } = recordingHooks();
    const d = delivery({ hooks, attempts: 5, backoffMs: 50 });
    const failed = next('failed');
    await d.enqueue({ to: 'nobody@example.com', subject: 's', text: 't', html: 'h' });
    await failed;
    expect(calls).toEqual({ queued: 1, sent: 0, retried: 0, failed: 1 });
    expect((await d.counts()).failed).toBe(1);
  });

  it('retries for the code\'s life (the attempt cap is 100) and keeps failed jobs by default', async () => {
    const { hooks, next } = recordingHooks();
    const prefix = 'defaults:{bull}';
    const d = delivery({ hooks, prefix });
    const failed = next('failed');
    // A permanent refusal fails at once, leaving the job and its options to inspect.
    await d.enqueue({ to: 'nobody@example.com', subject: 's', text: 't', html: 'h' });
    await failed;
    const q = new Queue(EMAIL_QUEUE, { connection: { host: '127.0.0.1', port: redis.port }, prefix });
    try {
      const [job] = await q.getFailed();
      expect(job?.opts).toMatchObject({
        attempts: 100,
        backoff: { type: 'code-life' },
        removeOnComplete: true,
        removeOnFail: { count: 1000 },
      });
      expect(job?.attemptsMade).toBe(1);
    } finally {
      await q.close();
    }
  });

  it('with the log transport writes the email to the logger and sends nothing', async () => {
    const { hooks, next } = recordingHooks();
    const logged: { obj: object; msg: string }[] = [];
    const logger = { ...silent, info: (obj: object, msg: string) => void logged.push({ obj, msg }) };
    const before = smtp.received.length;
    const d = delivery({ hooks, transport: 'log', logger });
    const sent = next('sent');
    await d.enqueue({ to: 'ada@example.com', subject: 'Your code', text: 'code 123456', html: '<p>123456</p>' });
    await sent;
    expect(logged).toEqual([{ obj: { to: 'ada@example.com', subject: 'Your code', text: 'code 123456' }, msg: 'email not sent (log transport)' }]);
    expect(smtp.received.length).toBe(before);
  });

  it('close is idempotent', async () => {
    const d = delivery();
    await Promise.all([d.close(), d.close()]);
    await d.close();
  });

  // BullMQ 5 rejected a connection's setup with the refused connect once the client ended, after
  // its close() had dropped the listener: unhandled ECONNREFUSED in the Redis outage test.
  it('closed before Redis ever answered, leaves no unhandled rejection', async () => {
    // A port that first refuses, then accepts and never answers: both connections have seen
    // ECONNREFUSED and sit mid-handshake when the delivery closes.
    const server = createServer();
    const sockets: Socket[] = [];
    let twoConnected!: () => void;
    const connected = new Promise<void>((resolve) => (twoConnected = resolve));
    server.on('connection', (s) => {
      s.resume(); // read and drop what the client sends, so its end is seen
      if (sockets.push(s) === 2) twoConnected();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    try {
      const unhandled = await unhandledRejectionsDuring(async () => {
        const refused = new Set<string>();
        let bothRefused!: () => void;
        const seen = new Promise<void>((resolve) => (bothRefused = resolve));
        // The connections log their first error each: both of BullMQ's have been refused then.
        const logger = pino(
          { level: 'warn' },
          {
            write(line: string) {
              const connection = (JSON.parse(line) as { connection?: string }).connection;
              if (connection?.startsWith('bullmq-') && refused.add(connection).size === 2) bothRefused();
            },
          },
        );
        const portConns = connectionsTo(`redis://127.0.0.1:${port}`, logger);
        const d = createEmailDelivery({ connection: bull(portConns), transport: 'log', from: 'x@vigil.test', logger: silent });
        await seen;
        await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
        await connected;
        await closeAndAwaitEnds(async () => {
          await d.close();
          await portConns.close();
        }, sockets);
      });
      expect(unhandled).toEqual([]);
    } finally {
      for (const s of sockets) s.destroy();
      server.close();
    }
  });
});
