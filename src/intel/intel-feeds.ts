import { access, constants } from 'node:fs/promises';
import type { Logger } from 'pino';
import { ConfigError, type Config, type ListSourceConfig } from '../config.js';
import type { IpIntel } from './lists/intel.js';
import type { Metrics } from '../platform/metrics/metrics.js';
import { bullPrefix, type RedisConnections } from '../platform/redis/redis-connections.js';
import type { IntelStore } from '../stores/intel/intel-store.js';
import type { TrafficStore } from '../stores/traffic/traffic-store.js';
import { IpSet } from './lists/ip-set.js';
import { compileInWorker } from './compile-in-worker.js';
import { fetchSource } from './fetch-source.js';
import { IntelSync } from './intel-sync.js';
import { createRefreshQueue, type RefreshQueue } from './refresh-queue.js';
import { refreshSource, type RefreshResult } from './refresh-source.js';

/** The IP list machinery of one process: shared state in Redis, the sync loop, the refresh job. */
export interface IntelFeeds {
  readonly store: IntelStore;
  readonly sync: IntelSync;
  /**
   * Refresh one configured source now; this instance serves and reports the result at once.
   * Null when no source of that name is configured here.
   */
  refresh(name: string): Promise<RefreshResult | null>;
  /**
   * Boot: load what Redis holds; fetch every source that was never stored (so a first start
   * serves its lists from the first request); serve a list file that Redis could not give from
   * the file itself; install the refresh schedule; start syncing. Throws a {@link ConfigError}
   * when a configured list file cannot be read: booting without a deny list the operator named
   * would silently weaken every assessment. Redis being down is not fatal: the lists load once
   * it is back, and list files are served from their files until then.
   */
  start(): Promise<void>;
  /**
   * After Redis lost its data: install the refresh schedules again (their first runs are due at
   * once, so the sources are stored anew) and, with `restoreManual` (one instance does it), write
   * the manual entries in use back to Redis (docs/operations.md, "13. Data loss went unnoticed").
   */
  recover(opts: { restoreManual: boolean }): Promise<void>;
  close(): Promise<void>;
}

/** How long the boot waits for Redis before serving list files and loading the rest later. */
const BOOT_REDIS_WAIT_MS = 2000;

export function createIntelFeeds(o: {
  config: Config;
  /** The lists' shared state, on the background connection. */
  store: IntelStore;
  intel: IpIntel;
  redis: RedisConnections;
  traffic: TrafficStore;
  metrics: Metrics;
  logger: Logger;
  now: () => number;
}): IntelFeeds {
  const { config, logger, metrics } = o;
  const sources = config.lists;
  const { store } = o;
  const sync = new IntelSync({ store, intel: o.intel, sources, traffic: o.traffic, metrics, logger, now: o.now });
  let retry: NodeJS.Timeout | null = null;
  let loadRetry: NodeJS.Timeout | null = null;
  let closed: Promise<void> | null = null;

  async function refresh(name: string): Promise<RefreshResult | null> {
    const spec = sources.find((s) => s.name === name);
    if (!spec) return null;
    const result = await refreshSource(spec, store, o.now);
    metrics.intelRefreshes.inc({ source: name, result: result.outcome });
    if (result.outcome === 'failed') logger.warn({ source: name, err: result.error, version: result.version }, 'IP list refresh failed; keeping the last good version');
    if (result.outcome === 'updated') logger.info({ source: name, version: result.version }, 'IP list updated');
    // Serve a new version here at once, and report this refresh's state (the sync loop retries).
    await sync.sync().catch(() => {});
    return result;
  }

  const queue: RefreshQueue | null =
    sources.length === 0
      ? null
      : createRefreshQueue({
          redis: o.redis,
          prefix: bullPrefix(config.redis.keyPrefix),
          sources,
          runWorker: config.intel.worker,
          refresh,
          logger,
        });

  /** Load what Redis holds, and fetch every source it never stored. Throws on Redis errors. */
  async function firstLoad(): Promise<void> {
    await sync.sync();
    await Promise.all(sources.filter((s) => o.intel.version(s.name) === 0).map((s) => refresh(s.name)));
  }

  /**
   * Run {@link firstLoad} again every `syncIntervalMs` until it completes. The sync loop keeps
   * stored lists current, but a source Redis never stored is otherwise fetched only by a refresh
   * worker's first run, and an instance may run none.
   */
  function retryFirstLoad(): void {
    loadRetry = setTimeout(() => {
      loadRetry = null;
      firstLoad().then(
        () => logger.info('IP lists loaded from Redis'),
        () => {
          if (!closed) retryFirstLoad();
        },
      );
    }, config.intel.syncIntervalMs);
    loadRetry.unref();
  }

  /** Install the refresh schedule, retrying while Redis is away. */
  function schedule(): void {
    if (retry) clearTimeout(retry);
    retry = null;
    queue?.start().then(
      () => logger.debug('IP list refresh scheduled'),
      (err: unknown) => {
        if (closed) return; // closed before Redis answered: nothing left to schedule
        logger.warn({ err: (err as Error).message }, 'cannot schedule IP list refreshes yet; retrying');
        retry = setTimeout(schedule, config.intel.syncIntervalMs);
        retry.unref();
      },
    );
  }

  /** Compile a list file here and serve it until Redis has a version; a file that does not parse is left to the refresh job to report. */
  async function serveFromFile(spec: ListSourceConfig): Promise<void> {
    try {
      const readAtMs = o.now();
      const compiled = await compileInWorker({ bytes: await fetchSource(spec), spec, previous: null, nowSec: Math.floor(readAtMs / 1000) });
      sync.installLocal(spec.name, IpSet.decode(compiled.data), readAtMs);
      logger.warn({ source: spec.name, networks: compiled.size }, 'IP list served from its file until Redis has it');
    } catch (err) {
      logger.error({ source: spec.name, err: (err as Error).message }, 'IP list file could not be read; the list is empty until Redis has it');
    }
  }

  return {
    store,
    sync,
    refresh,
    async start() {
      for (const s of sources) {
        if (s.path === undefined) continue;
        try {
          await access(s.path, constants.R_OK);
        } catch (err) {
          throw new ConfigError(`Cannot read IP list "${s.name}" at ${s.path}: ${(err as Error).message}`, { cause: err });
        }
      }
      try {
        // Sent once the connections are up: a first connection attempt that fails (a busy boot
        // can outlast its connect timeout) fails every command queued behind it, and the load
        // would wait for its retry. Redis down: the files are served after this wait.
        await o.redis.ready(BOOT_REDIS_WAIT_MS).catch(() => {});
        await firstLoad();
      } catch (err) {
        logger.warn({ err: (err as Error).message }, 'IP lists not loaded from Redis yet; they load once it answers');
        retryFirstLoad();
      }
      // A deny list in a file must not wait for Redis: served from the file until Redis has a
      // version (docs/operations.md, "16. Boot during a Redis outage").
      await Promise.all(sources.filter((s) => s.path !== undefined && o.intel.version(s.name) === 0).map(serveFromFile));
      schedule();
      sync.start(config.intel.syncIntervalMs);
    },
    async recover({ restoreManual }) {
      if (restoreManual) {
        const entries = await sync.restoreManual();
        logger.warn({ entries }, 'manual IP list entries written back to Redis after its data loss');
      }
      schedule();
      await sync.sync().catch(() => {});
    },
    close() {
      closed ??= (async () => {
        sync.stop();
        if (retry) clearTimeout(retry);
        if (loadRetry) clearTimeout(loadRetry);
        await queue?.close();
      })();
      return closed;
    },
  };
}
