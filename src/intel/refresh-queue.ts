import { Queue, Worker } from 'bullmq';
import type { Logger } from 'pino';
import { boundedClose } from '../platform/bounded-close.js';
import type { ListSourceConfig } from '../config.js';
import { onFirstReady, type OnFirstReady } from '../platform/on-first-ready.js';
import type { RedisConnections } from '../platform/redis/redis-connections.js';
import type { RefreshResult } from './refresh-source.js';

const QUEUE = 'intel-refresh';
const SCHEDULER = 'refresh:';

/** The scheduled refresh of every list source (BullMQ job schedulers), and optionally the worker that runs it. */
export interface RefreshQueue {
  /**
   * Install one job scheduler per source (every `refreshMinutes`; the first run is due at
   * once), remove those of sources no longer configured, and start the worker if this process
   * runs one. Idempotent: every instance calls it at boot.
   */
  start(): Promise<void>;
  /**
   * Stop the worker (letting a running refresh finish) and close the queue, waiting for BullMQ
   * at most `CLOSE_TIMEOUT_MS` (see `boundedClose`) each; the connections stay open. Idempotent.
   */
  close(): Promise<void>;
}

/**
 * BullMQ gives the refresh one runner per due job across all instances, retries with backoff
 * (a failed refresh throws after recording its failure, so BullMQ tries again within minutes
 * instead of waiting a whole interval), and survives restarts. Its keys sit under one hash tag
 * (`prefix`, `bullPrefix`), so it runs on Redis Cluster too.
 */
export function createRefreshQueue(o: {
  /** Where BullMQ's connections come from (they stay open: `RedisConnections` owns them); the worker's is made only when this process runs the worker. */
  redis: Pick<RedisConnections, 'bullmq'>;
  /** BullMQ key prefix (`bullPrefix`). */
  prefix: string;
  sources: readonly ListSourceConfig[];
  runWorker: boolean;
  /** Refresh a source; null when it is not configured (any more). */
  refresh: (name: string) => Promise<RefreshResult | null>;
  logger: Logger;
}): RefreshQueue {
  const { prefix } = o;
  const queueConnection = o.redis.bullmq('queue');
  // Made once its connection has answered (see onFirstReady), as is the worker.
  const queue = onFirstReady(queueConnection, () => {
    const q = new Queue(QUEUE, { connection: queueConnection, prefix });
    // Without a listener BullMQ writes its scheduler's errors to stderr with console.error.
    q.on('error', (err) => o.logger.warn({ err: err.message }, 'IP list refresh queue error'));
    return q;
  });
  let worker: OnFirstReady<Worker> | null = null;
  let closed: Promise<void> | null = null;

  return {
    async start() {
      // Until Redis first answers this waits for it, as BullMQ's own connection setup would.
      const q = await queue.made;
      const wanted = new Set(o.sources.map((s) => SCHEDULER + s.name));
      for (const s of o.sources) {
        await q.upsertJobScheduler(
          SCHEDULER + s.name,
          { every: s.refreshMinutes * 60_000 },
          {
            name: 'refresh',
            data: { source: s.name },
            opts: { attempts: 3, backoff: { type: 'exponential', delay: 30_000 }, removeOnComplete: 100, removeOnFail: 100 },
          },
        );
      }
      for (const scheduler of await q.getJobSchedulers()) {
        if (!wanted.has(scheduler.key)) await q.removeJobScheduler(scheduler.key);
      }
      if (o.runWorker && worker === null) {
        const connection = o.redis.bullmq('worker');
        worker = onFirstReady(connection, () => {
          const w = new Worker<{ source: string }>(
            QUEUE,
            async (job) => {
              // A job of a source no longer configured (its scheduler was just removed) does nothing.
              const result = await o.refresh(job.data.source);
              if (result?.outcome === 'failed') throw new Error(result.error);
              return result;
            },
            { connection, prefix, concurrency: 1 },
          );
          w.on('error', (err) => o.logger.warn({ err: err.message }, 'IP list refresh worker error'));
          return w;
        });
      }
    },
    close() {
      closed ??= (async () => {
        // With Redis away, BullMQ's close waits for it for ever; shutdown must not.
        if (worker) await boundedClose(worker.close());
        await boundedClose(queue.close());
      })();
      return closed;
    },
  };
}
