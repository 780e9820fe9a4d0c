import { randomUUID } from 'node:crypto';
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Transporter } from 'nodemailer';
import { boundedClose } from '../../platform/bounded-close.js';
import { onFirstReady } from '../../platform/on-first-ready.js';
import type { IoredisClient } from '../../platform/redis/ioredis-port.js';
import { CODE_TTL_MS } from '../email/code.js';
import { retryDelayMs } from './retry-delay.js';

/** One email, rendered (see `renderCodeEmail`) and addressed. */
export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Jobs per state, for the queue gauge and health checks. */
export interface EmailQueueCounts {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
}

/** The subset of a pino logger this module writes to. */
export interface EmailLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * Called on each outcome, so the service can count them in `src/platform/metrics/metrics.ts`
 * (the one registry) without this module knowing about Prometheus.
 */
export interface EmailDeliveryHooks {
  /** A message was accepted into the queue. */
  queued?(): void;
  /** A message was handed to the SMTP server (or written to the log). */
  sent?(): void;
  /** An attempt failed and another is scheduled. */
  retried?(): void;
  /** A message failed for good: attempts used up, or the server refused it permanently. */
  failed?(): void;
}

export interface EmailDeliveryOptions {
  /**
   * BullMQ's connections, from `RedisConnections.bullmq` (src/platform/redis/redis-connections.ts),
   * which owns them: the delivery never ends them. `queue` fails a command after one
   * reconnect attempt, so `enqueue` fails fast while Redis is down and the caller can answer;
   * `worker` retries for ever (BullMQ's blocking reads need it; BullMQ duplicates it for them).
   */
  connection: { queue: IoredisClient; worker: IoredisClient };
  /**
   * A nodemailer transporter (owned by the delivery from now on: `close()` closes it), or
   * `'log'` to write emails to the logger instead of sending them — development only, since
   * the log then holds live codes; the service decides when that is allowed.
   */
  transport: Transporter | 'log';
  /** The From header, e.g. `Vigil <no-reply@example.com>`. */
  from: string;
  logger: EmailLogger;
  hooks?: EmailDeliveryHooks | undefined;
  /**
   * Attempts per message at most, the first included. Default 100: the code's life, not this,
   * ends the retries ({@link retryForMs}).
   */
  attempts?: number | undefined;
  /** First retry delay, ms; each further retry doubles it. Default 1000. */
  backoffMs?: number | undefined;
  /** Longest wait between two attempts, ms. Default 15,000. */
  maxBackoffMs?: number | undefined;
  /**
   * A message is retried, and sent, only until this long after it was queued, ms: the life of the
   * code it carries (default `CODE_TTL_MS`, 5 minutes). Past it the job fails for good.
   */
  retryForMs?: number | undefined;
  /** Messages sent in parallel by this process. Default 4. */
  concurrency?: number | undefined;
  /**
   * BullMQ key prefix (`bullPrefix`). The default's `{bull}` hash tag keeps all of a queue's
   * keys in one Redis Cluster slot, which BullMQ's scripts need.
   */
  prefix?: string | undefined;
}

export interface EmailDelivery {
  /** Queue a message; resolves once Redis holds it, not when it is sent. */
  enqueue(msg: EmailMessage): Promise<void>;
  counts(): Promise<EmailQueueCounts>;
  /**
   * What {@link counts} last read and when it had them (`performance.now()`), or null before it
   * first did: what a data loss took (docs/operations.md).
   */
  lastCounts(): { counts: EmailQueueCounts; at: number } | null;
  /** Stop the worker (letting a running send finish) and close the queue; the connections stay open. Idempotent. */
  close(): Promise<void>;
}

/** The queue's name, fixed so every Vigil instance on one Redis shares the work. */
export const EMAIL_QUEUE = 'vigil-email';
const DEFAULT_PREFIX = 'vigil:{bull}';
/** The backoff type of code emails, computed by the worker ({@link retryDelayMs}). */
const CODE_LIFE_BACKOFF = 'code-life';
/** Failed jobs kept for inspection; completed ones are removed at once (they hold codes). */
const KEEP_FAILED = { count: 1000, age: 7 * 24 * 3600 };

/** SMTP 5xx is a permanent refusal (RFC 5321 §4.2.1): retrying the same message cannot help. */
function isPermanent(err: unknown): boolean {
  const code = (err as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/**
 * Email delivery through a BullMQ queue with an in-process worker: the request that asks for
 * a code only waits for Redis, and a slow or failing SMTP server gets retries with
 * exponential backoff, capped and kept up for the code's life, instead of failing the login.
 * Jobs carry the rendered message (so the code is in Redis until sent, removed on success; a
 * failed job keeps it past the code's 5-minute life, when it is worthless).
 */
export function createEmailDelivery(opts: EmailDeliveryOptions): EmailDelivery {
  const { logger, hooks = {}, transport, from } = opts;
  const prefix = opts.prefix ?? DEFAULT_PREFIX;
  const { queue: queueRedis, worker: workerRedis } = opts.connection;
  const retry = { firstMs: opts.backoffMs ?? 1000, maxMs: opts.maxBackoffMs ?? 15_000, forMs: opts.retryForMs ?? CODE_TTL_MS };
  let last: { counts: EmailQueueCounts; at: number } | null = null;

  // Made once their connection has answered (see onFirstReady): the worker duplicates its
  // connection for blocking reads, so a delivery closed before then leaves BullMQ nothing to set up.
  const queue = onFirstReady(queueRedis, () => {
    const q = new Queue<EmailMessage>(EMAIL_QUEUE, {
      connection: queueRedis,
      prefix,
      defaultJobOptions: {
        attempts: opts.attempts ?? 100,
        backoff: { type: CODE_LIFE_BACKOFF },
        removeOnComplete: true,
        removeOnFail: KEEP_FAILED,
      },
    });
    q.on('error', (err) => logger.warn({ err: err.message }, 'email queue error'));
    return q;
  });

  const send = async (job: Job<EmailMessage>): Promise<void> => {
    const { to, subject, text, html } = job.data;
    // Queued longer ago than its code lives (a worker that was down): sending it would only confuse.
    if (Date.now() >= job.timestamp + retry.forMs) throw new UnrecoverableError('the code expired before the email could be sent');
    if (transport === 'log') {
      logger.info({ to, subject, text }, 'email not sent (log transport)');
      return;
    }
    try {
      await transport.sendMail({ from, to, subject, text, html });
    } catch (err) {
      if (isPermanent(err)) throw new UnrecoverableError((err as Error).message);
      throw err;
    }
  };

  const worker = onFirstReady(workerRedis, () => {
    const w = new Worker<EmailMessage>(EMAIL_QUEUE, send, {
      connection: workerRedis,
      prefix,
      concurrency: opts.concurrency ?? 4,
      settings: {
        // -1 tells BullMQ not to retry: the code would be dead by the next attempt.
        backoffStrategy: (attemptsMade: number, _type?: string, _err?: Error, job?: { timestamp: number }) =>
          retryDelayMs(attemptsMade, job?.timestamp ?? Date.now(), Date.now(), retry) ?? -1,
      },
    });
    w.on('error', (err) => logger.warn({ err: err.message }, 'email worker error'));
    w.on('completed', () => hooks.sent?.());
    w.on('failed', (job, err) => {
      // BullMQ emits `failed` for every failed attempt; `finishedOn` is set only on the last.
      const final = !job || typeof job.finishedOn === 'number';
      const info = { jobId: job?.id, attempt: job?.attemptsMade, err: err.message };
      if (final) {
        logger.error(info, 'email delivery failed');
        hooks.failed?.();
      } else {
        logger.warn(info, 'email delivery failed, will retry');
        hooks.retried?.();
      }
    });
    return w;
  });

  let closing: Promise<void> | null = null;
  return {
    async enqueue(msg) {
      // Until Redis first answers this waits for it, as BullMQ's own connection setup would.
      const q = await queue.made;
      // Random ids: BullMQ's default counter would tell anyone who sees one how many codes were sent.
      await q.add('code', { to: msg.to, subject: msg.subject, text: msg.text, html: msg.html }, { jobId: randomUUID() });
      hooks.queued?.();
    },
    async counts() {
      // BullMQ reads counts with MULTI, and while Redis is away ioredis rejects the queued parts
      // of a MULTI where nobody awaits them (unhandled ECONNREFUSED): ask only when connected.
      const q = queue.current();
      if (queueRedis.status !== 'ready' || !q) throw new Error('email queue: Redis is not connected');
      const c = await q.getJobCounts('waiting', 'active', 'delayed', 'failed');
      const counts = { waiting: c['waiting'] ?? 0, active: c['active'] ?? 0, delayed: c['delayed'] ?? 0, failed: c['failed'] ?? 0 };
      last = { counts, at: performance.now() };
      return counts;
    },
    lastCounts: () => last,
    close() {
      closing ??= (async () => {
        // With Redis away, BullMQ's close waits for it for ever; shutdown must not.
        await boundedClose(worker.close());
        await boundedClose(queue.close());
        // BullMQ leaves connections it was handed open; RedisConnections ends them.
        if (transport !== 'log') transport.close();
      })();
      return closing;
    },
  };
}
