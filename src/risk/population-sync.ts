import type { Logger } from 'pino';
import type { Metrics } from '../platform/metrics/metrics.js';
import type { PopulationCounts } from './familiarity/population-counts.js';
import type { PopulationStore } from '../stores/population/population-store.js';

/** The background merge of this process's population counts into the shared ones. */
export interface PopulationSync {
  /** Merge now (also what each tick does); resolves when done, rejects on a Redis fault. */
  merge(): Promise<void>;
  /** Stop the ticks. Counts not merged yet stay in this process. Idempotent. */
  stop(): void;
}

/**
 * Every `intervalMs`, hand this process's unmerged population counts to Redis and take the
 * shared totals back (docs/risk-model.md §7), off the request path; the first merge runs at
 * once, so an instance starts from what the others counted. A failed merge keeps the counts for
 * the next one, and is logged once and counted until one succeeds again.
 */
export function startPopulationSync(o: { counts: PopulationCounts; store: PopulationStore; intervalMs: number; logger: Logger; metrics: Metrics }): PopulationSync {
  let failing = false;
  let running: Promise<void> | null = null;
  const merge = () => {
    running ??= (async () => {
      const sent = o.counts.pending();
      const shared = await o.store.merge(sent);
      o.counts.merged(sent, shared);
      o.metrics.populationLogins.set(shared.total);
    })().finally(() => {
      running = null;
    });
    return running;
  };
  const tick = () =>
    merge().then(
      () => {
        if (failing) o.logger.info('population counts merged again');
        failing = false;
      },
      (err: unknown) => {
        o.metrics.populationSyncFailures.inc();
        if (!failing) o.logger.warn({ err: (err as Error).message }, 'could not merge population counts; keeping them for the next try');
        failing = true;
      },
    );
  void tick();
  const timer = setInterval(tick, o.intervalMs);
  timer.unref();
  return { merge, stop: () => clearInterval(timer) };
}
