import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { HistorySnapshot } from '../risk/history/snapshot.js';
import type { Metrics } from '../platform/metrics/metrics.js';
import type { RedisConnections } from '../platform/redis/redis-connections.js';
import type { DataMarker, MarkerStore } from '../stores/marker/marker-store.js';

/** What `/health/ready` and the metrics say about Redis's data. */
export interface RedisDataStatus {
  /** Since when Redis holds Vigil's data, per the marker this instance last saw; null before it saw one. */
  sinceMs: number | null;
  /** When the last data loss was found; null when none is recorded. */
  lostAtMs: number | null;
  /** Until when empty histories are assessed as unavailable after that loss; null when they are not. */
  failClosedUntilMs: number | null;
  /** False from a reconnect of the reads connection until the marker was seen again. */
  verified: boolean;
}

/** A data loss as the hooks hear of it: whether this instance wrote the new marker (one instance does). */
export interface DataLoss {
  first: boolean;
  marker: DataMarker;
}

/**
 * Watches Redis for the loss of its data (docs/operations.md, "13. Data loss went unnoticed").
 * A marker is written when Redis holds none; this instance reads it every `intervalMs` and
 * whenever the reads connection is ready again. Gone (or replaced by another instance after a
 * loss), Redis lost what it held: the watch counts it, writes a new marker that records the
 * loss, runs the hooks (refresh schedules, manual IP entries, lost emails) and, for
 * `failClosedMs` after the loss, tells the assessment not to trust an empty history, which may
 * be a lost one: an enrolled user on a new device abroad looked like a first login and was
 * allowed. A marker missing at the first look is a first start (or a loss while no instance
 * watched, which only the `vigil_redis_data_since_timestamp_seconds` jump shows).
 */
export interface RedisDataWatch {
  /** Look once (never throws), then every interval and after every reconnect. */
  start(): Promise<void>;
  /** Look now; resolves when done, rejects on Redis errors. A look asked for during one runs again after it. */
  check(): Promise<void>;
  /**
   * Whether `history` may be believed: a known user's always; an empty one unless a loss was
   * found within the fail-closed window, or the reads connection reconnected and the marker has
   * not been seen since.
   */
  trusts(history: HistorySnapshot): boolean;
  status(): RedisDataStatus;
  /** Run `hook` after each data loss found (errors are logged). */
  onLoss(hook: (loss: DataLoss) => Promise<void> | void): void;
  /**
   * Run `hook` after each look that found the marker this instance knew: what Redis held when
   * the look began (`performance.now()`, passed in) is still there.
   */
  onIntact(hook: (lookStartedAt: number) => void): void;
  close(): void;
}

export function createRedisDataWatch(o: {
  store: MarkerStore;
  redis: Pick<RedisConnections, 'watchReads'>;
  metrics: Metrics;
  logger: Logger;
  now: () => number;
  intervalMs: number;
  /** How long after a loss empty histories count as unavailable; 0: not at all. */
  failClosedMs: number;
}): RedisDataWatch {
  const { store, metrics, logger, now } = o;
  const hooks: ((loss: DataLoss) => Promise<void> | void)[] = [];
  const intactHooks: ((lookStartedAt: number) => void)[] = [];
  let known: DataMarker | null = null;
  let verified = true;
  // Bumped on every disconnect: a look that began before one cannot vouch for after it.
  let generation = 0;
  let running: Promise<void> | null = null;
  let rerun: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let unwatch: (() => void) | null = null;
  let closed = false;

  const failClosedUntil = (): number | null => (known?.lostAtMs != null && o.failClosedMs > 0 ? known.lostAtMs + o.failClosedMs : null);
  const failingClosed = (): boolean => {
    const until = failClosedUntil();
    return until !== null && now() < until;
  };
  const observe = () => {
    if (known) metrics.redisDataSince.set(known.sinceMs / 1000);
    metrics.redisDataFailClosed.set(failingClosed() ? 1 : 0);
  };

  async function lost(loss: DataLoss): Promise<void> {
    metrics.redisDataLosses.inc();
    logger.error(
      { since: new Date(loss.marker.sinceMs).toISOString(), failClosedUntil: failClosedUntil() && new Date(failClosedUntil()!).toISOString() },
      'Redis lost its data: histories, MFA enrollments, queued emails and IP list state are gone (docs/operations.md)',
    );
    for (const hook of hooks) {
      try {
        await hook(loss);
      } catch (err) {
        logger.error({ err: (err as Error).message }, 'recovery after the Redis data loss failed');
      }
    }
  }

  async function look(): Promise<void> {
    const startedIn = generation;
    const startedAt = performance.now();
    const found = await store.read();
    if (found !== null && known !== null && found.id === known.id) {
      known = found;
      for (const hook of intactHooks) hook(startedAt);
    } else if (found !== null && known === null) {
      known = found;
    } else if (found !== null) {
      // Another instance found the loss first and wrote the new marker.
      known = found;
      if (startedIn === generation) verified = true;
      observe();
      await lost({ first: false, marker: found });
      return;
    } else {
      // Gone: distrust empty histories until a marker is back.
      verified = false;
      const first = known === null;
      const at = now();
      const made = await store.create({ id: randomUUID(), sinceMs: at, lostAtMs: first ? null : at });
      const replaced = known !== null && made.marker.id !== known.id;
      known = made.marker;
      if (first && made.created) {
        logger.warn('Redis holds no Vigil data marker: a first start, or Redis lost its data while no instance watched (docs/operations.md)');
      }
      if (startedIn === generation) verified = true;
      observe();
      if (replaced) await lost({ first: made.created, marker: made.marker });
      return;
    }
    if (startedIn === generation) verified = true;
    observe();
  }

  function check(): Promise<void> {
    if (running) {
      rerun ??= running
        .catch(() => {})
        .then(() => {
          rerun = null;
          return check();
        });
      return rerun;
    }
    running = look().finally(() => {
      running = null;
    });
    return running;
  }

  /** Unverified (after a reconnect), a failed look is tried again soon rather than at the next tick. */
  const RETRY_UNVERIFIED_MS = 50;
  let retry: NodeJS.Timeout | null = null;
  const quietly = () => {
    check().catch(() => {
      if (verified || closed || retry) return;
      retry = setTimeout(() => {
        retry = null;
        quietly();
      }, Math.min(RETRY_UNVERIFIED_MS, o.intervalMs));
      retry.unref();
    });
  };

  return {
    async start() {
      unwatch = o.redis.watchReads((state) => {
        if (closed) return;
        if (state === 'down') {
          generation++;
          verified = false;
        } else {
          quietly();
        }
      });
      timer = setInterval(quietly, o.intervalMs);
      timer.unref();
      await check().catch(() => {});
      if (!verified) quietly();
    },
    check,
    trusts(history) {
      if (history.known) return true;
      return verified && !failingClosed();
    },
    status() {
      const until = failClosedUntil();
      return {
        sinceMs: known?.sinceMs ?? null,
        lostAtMs: known?.lostAtMs ?? null,
        failClosedUntilMs: until !== null && now() < until ? until : null,
        verified,
      };
    },
    onLoss(hook) {
      hooks.push(hook);
    },
    onIntact(hook) {
      intactHooks.push(hook);
    },
    close() {
      closed = true;
      if (timer) clearInterval(timer);
      if (retry) clearTimeout(retry);
      timer = null;
      retry = null;
      unwatch?.();
      unwatch = null;
    },
  };
}
