import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';

/** A worker that dies this soon after its start counts towards the crash-loop limit. */
const EARLY_DEATH_MS = 5_000;
/** This many early deaths in a row stop the primary instead of forking forever. */
const MAX_EARLY_DEATHS = 5;

/**
 * The primary of `VIGIL_WORKERS=N`: forks N workers that each run the whole server and share
 * the listening port through node:cluster (the primary hands connections out round-robin).
 * Workers keep nothing of their own beyond caches, so any of them can answer any request. A
 * worker that dies is replaced; one that keeps dying at start (bad config, Redis URL typo)
 * stops the primary with exit code 1. SIGTERM/SIGINT are passed to the workers, and the
 * primary exits once they all have.
 */
export function runPrimary(workers: number, logger: Logger): void {
  let stopping = false;
  let earlyDeaths = 0;
  const startedAt = new Map<number, number>();

  const fork = (): Worker => {
    const w = cluster.fork();
    startedAt.set(w.id, Date.now());
    w.once('listening', () => {
      earlyDeaths = 0;
    });
    return w;
  };

  cluster.on('exit', (worker, code, signal) => {
    const lived = Date.now() - (startedAt.get(worker.id) ?? 0);
    startedAt.delete(worker.id);
    if (stopping) {
      // exitCode stays 1 after a crash loop, else 0.
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit();
      return;
    }
    logger.error({ worker: worker.process.pid, code, signal, livedMs: lived }, 'worker died; starting another');
    if (lived < EARLY_DEATH_MS && ++earlyDeaths >= MAX_EARLY_DEATHS) {
      logger.fatal({ earlyDeaths }, 'workers keep dying at start; stopping');
      stopping = true;
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
      process.exitCode = 1;
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit();
      return;
    }
    fork();
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'shutting down workers');
      stopping = true;
      const alive = Object.values(cluster.workers ?? {});
      if (alive.length === 0) process.exit(0);
      for (const w of alive) w?.process.kill('SIGTERM');
    });
  }

  logger.info({ workers }, 'starting workers');
  for (let i = 0; i < workers; i++) fork();
}
