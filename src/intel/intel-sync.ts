import type { Logger } from 'pino';
import type { ListSourceConfig } from '../config.js';
import type { TrafficStore } from '../stores/traffic/traffic-store.js';
import type { IpIntel, ManualEntry } from './lists/intel.js';
import { IpSet } from './lists/ip-set.js';
import { BOGON_SOURCE, MANUAL_SOURCE, type IntelCategory } from './lists/types.js';
import type { Metrics } from '../platform/metrics/metrics.js';
import type { IntelStore } from '../stores/intel/intel-store.js';
import type { SourceState } from './lists/source-state.js';

/** One source as the readiness report and the admin API show it. */
export interface SourceReport {
  name: string;
  category: IntelCategory | null;
  /**
   * `ok`; `failing` (the last fetch failed; the last good version stays in use); `local` (read
   * from its file at boot, Redis has no version yet); `not_loaded` (no version yet).
   */
  status: 'ok' | 'failing' | 'local' | 'not_loaded';
  /** The version this instance uses, and its size. */
  loadedVersion: number;
  size: number;
  /** The shared state in Redis as last read; null for the bogons and sources never refreshed. */
  state: SourceState | null;
}

/**
 * Keeps this process's {@link IpIntel} at the versions stored in Redis. Every tick reads the
 * state of all sources in one round trip (one hash); a source whose stored version is newer
 * than the one in use is read (its compiled set, one more round trip on the intel connection)
 * and swapped in. Polling rather than pub/sub: a message lost while a connection was down
 * would leave an instance on an old list until the next change, while a poll converges within
 * one interval whatever happened, costs one small read per interval, and needs no connection
 * in subscriber mode. The instance that writes a change syncs at once, so its own answers
 * never lag.
 */
export class IntelSync {
  private states = new Map<string, SourceState>();
  private manualEntries: readonly ManualEntry[] = [];
  private running: Promise<void> | null = null;
  private rerun: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private failing = false;
  /** The last successful fetch of each source this instance knows of: the age of the list in use when Redis no longer says. */
  private readonly refreshedAtMs = new Map<string, number>();
  /** Sources served from their file until Redis has a version. */
  private readonly local = new Set<string>();

  constructor(
    private readonly o: {
      store: IntelStore;
      intel: IpIntel;
      sources: readonly ListSourceConfig[];
      traffic: TrafficStore;
      metrics: Metrics;
      logger: Logger;
      now: () => number;
    },
  ) {}

  /**
   * Bring the lists up to date with what Redis holds now. A run already under way may have read
   * the state before the caller's own write, so a call during one gets a fresh run after it
   * (shared by every call in the meantime). Throws on Redis errors.
   */
  sync(): Promise<void> {
    if (this.running) {
      this.rerun ??= this.running
        .catch(() => {})
        .then(() => {
          this.rerun = null;
          return this.sync();
        });
      return this.rerun;
    }
    this.running = this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Sync every `intervalMs` until {@link stop}; a failed tick is logged and counted, the next one retries. */
  start(intervalMs: number): void {
    this.timer ??= setInterval(() => {
      this.sync().then(
        () => {
          if (this.failing) this.o.logger.info('IP list sync recovered');
          this.failing = false;
        },
        (err: unknown) => {
          this.o.metrics.intelSyncFailures.inc();
          if (!this.failing) this.o.logger.warn({ err: (err as Error).message }, 'IP list sync failed; keeping the lists in use');
          this.failing = true;
        },
      );
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Every configured source and the manual entries, with their shared state as last read. */
  report(): SourceReport[] {
    return this.o.intel.sources().map(({ name, category, version, size }) => {
      const state = this.states.get(name) ?? null;
      const status =
        state !== null && state.failures > 0 ? 'failing' : version > 0 || name === BOGON_SOURCE ? 'ok' : this.local.has(name) ? 'local' : 'not_loaded';
      return { name, category, status, loadedVersion: version, size, state };
    });
  }

  /**
   * Write the manual entries in use back to Redis, after Redis lost its data: they exist nowhere
   * else (docs/operations.md, "13. Data loss went unnoticed"). Throws on Redis errors.
   */
  async restoreManual(): Promise<number> {
    const now = this.o.now();
    const alive = this.manualEntries.filter((e) => e.expiresAtMs > now);
    for (const entry of alive) await this.o.store.addManual(entry, now);
    return alive.length;
  }

  /** Serve `set`, read from the source's file, until Redis has a version of it (version 0: any stored one replaces it). */
  installLocal(name: string, set: IpSet, readAtMs: number): void {
    this.o.intel.install(name, 0, set);
    this.local.add(name);
    this.refreshedAtMs.set(name, readAtMs);
    this.observe();
  }

  private async run(): Promise<void> {
    const { store, intel, metrics } = this.o;
    const states = await store.states();
    this.states = states;
    for (const { name } of this.o.sources) {
      if (differs(states.get(name)?.version ?? 0, intel.version(name))) await this.load(name);
    }
    const manual = states.get(MANUAL_SOURCE);
    if (differs(manual?.version ?? 0, intel.version(MANUAL_SOURCE))) {
      const { version, entries } = await store.manual();
      this.manualEntries = entries;
      this.installManual(version);
    } else if (this.manualEntries.some((e) => e.expiresAtMs <= this.o.now())) {
      // An entry lapsed since it was loaded: drop it here, without waiting for a write.
      this.installManual(intel.version(MANUAL_SOURCE));
    }
    metrics.trafficFlaggedIps.set(await this.o.traffic.countFlagged(this.o.now()));
    this.observe();
  }

  /**
   * Read a source's current version and swap it in. The read does not block; decoding (copying
   * the typed arrays out and indexing them) does, and is timed.
   */
  private async load(name: string): Promise<void> {
    const stored = await this.o.store.readSet(name);
    if (!stored || !differs(stored.version, this.o.intel.version(name))) return;
    const started = performance.now();
    this.o.intel.install(name, stored.version, IpSet.decode(stored.data));
    this.local.delete(name);
    this.o.metrics.intelSwapDuration.observe((performance.now() - started) / 1000);
  }

  private installManual(version: number): void {
    const now = this.o.now();
    this.manualEntries = this.manualEntries.filter((e) => e.expiresAtMs > now);
    this.o.intel.installManual(version, this.manualEntries);
  }

  private observe(): void {
    const { metrics } = this.o;
    const now = this.o.now();
    for (const { name, category, loadedVersion, size, state } of this.report()) {
      metrics.intelListSize.set({ source: name, category: category ?? 'mixed' }, size);
      metrics.intelListVersion.set({ source: name }, loadedVersion);
      if (state?.refreshedAtMs != null) this.refreshedAtMs.set(name, state.refreshedAtMs);
      // Without a state in Redis (lost with its data, or not stored yet) the list in use keeps ageing.
      const refreshedAtMs = this.refreshedAtMs.get(name);
      if (refreshedAtMs !== undefined) metrics.intelListAge.set({ source: name }, (now - refreshedAtMs) / 1000);
      if (state !== null) metrics.intelListFailures.set({ source: name }, state.failures);
    }
  }
}

/**
 * Whether the stored version is one to load: a newer one, or, when Redis lost its data and a
 * refresh stored the source anew from version 1, an older number that is newer content. A
 * stored 0 (nothing in Redis) never replaces what is in use.
 */
function differs(stored: number, inUse: number): boolean {
  return stored > 0 && stored !== inUse;
}
