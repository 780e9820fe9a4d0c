import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { ListSourceConfig } from '../../src/config.js';
import { IntelSync } from '../../src/intel/intel-sync.js';
import type { SourceState } from '../../src/intel/lists/source-state.js';
import type { IntelStore } from '../../src/stores/intel/intel-store.js';
import type { TrafficStore } from '../../src/stores/traffic/traffic-store.js';
import { IpIntel } from '../../src/intel/lists/intel.js';
import { IpSet } from '../../src/intel/lists/ip-set.js';
import { createMetrics } from '../../src/platform/metrics/metrics.js';

const FEED: ListSourceConfig = { name: 'feed', category: 'abuse', url: 'http://127.0.0.1/feed.txt', format: 'netset', refreshMinutes: 60 };

/** A stand-in for Redis whose state reads answer only when the test says so. */
function slowStore() {
  let version = 1;
  const waiting: (() => void)[] = [];
  const store = {
    states: () =>
      new Promise<Map<string, SourceState>>((resolve) => {
        const seen = version; // what Redis holds when the read arrives
        waiting.push(() => resolve(new Map([['feed', { version: seen, failures: 0 } as SourceState]])));
      }),
    readSet: async () => ({ version, data: IpSet.build([`10.0.${version}.0/24`]).encode() }),
    manual: async () => ({ version: 0, entries: [] }),
  };
  return {
    store: store as unknown as IntelStore,
    write: () => version++,
    answer: () => waiting.splice(0).forEach((w) => w()),
    pending: () => waiting.length,
  };
}

describe('IntelSync', () => {
  it('a sync asked for while a run is under way (it may have read the state before a write) runs once more after it', async () => {
    const redis = slowStore();
    const intel = new IpIntel([FEED]);
    intel.install('feed', 1, IpSet.build(['10.0.1.0/24']));
    const traffic = { countFlagged: async () => 0 } as unknown as TrafficStore;
    const sync = new IntelSync({ store: redis.store, intel, sources: [FEED], traffic, metrics: createMetrics(), logger: pino({ level: 'silent' }), now: Date.now });

    const tick = sync.sync(); // a periodic tick reads the state: version 1, nothing to do
    redis.write(); // meanwhile this instance stores version 2 ...
    const mine = sync.sync(); // ... and asks for a sync, as an admin request or a refresh does
    expect(sync.sync()).toBe(mine); // later callers share that second run
    redis.answer();
    await tick;
    expect(intel.version('feed')).toBe(1);
    await new Promise((r) => setImmediate(r));
    expect(redis.pending()).toBe(1);
    redis.answer();
    await mine;
    expect(intel.version('feed')).toBe(2);
  });
});

/** A stand-in for Redis holding `states` (by name) and the set of each stored version; `flush()` empties it, as a data loss does. */
function memoryStore(initial: Record<string, Partial<SourceState>>) {
  let states = new Map(Object.entries(initial).map(([name, s]) => [name, { version: 0, failures: 0, ...s } as SourceState]));
  const store = {
    states: async () => states,
    readSet: async (name: string) => {
      const v = states.get(name)?.version ?? 0;
      return v > 0 ? { version: v, data: IpSet.build([`10.${v}.0.0/16`]).encode() } : null;
    },
    manual: async () => ({ version: 0, entries: [] }),
  };
  return {
    store: store as unknown as IntelStore,
    set: (name: string, s: Partial<SourceState>) => states.set(name, { version: 0, failures: 0, ...s } as SourceState),
    flush: () => (states = new Map()),
  };
}

describe('IntelSync after Redis lost its data (docs/operations.md, "13. Data loss went unnoticed")', () => {
  const T0 = Date.UTC(2026, 5, 1);
  const setup = () => {
    let now = T0;
    const redis = memoryStore({ feed: { version: 5, refreshedAtMs: T0 } });
    const intel = new IpIntel([FEED]);
    const metrics = createMetrics();
    const traffic = { countFlagged: async () => 0 } as unknown as TrafficStore;
    const sync = new IntelSync({ store: redis.store, intel, sources: [FEED], traffic, metrics, logger: pino({ level: 'silent' }), now: () => now });
    const age = async () => (await metrics.intelListAge.get()).values.find((v) => v.labels.source === 'feed')?.value;
    return { redis, intel, sync, age, advance: (ms: number) => (now += ms) };
  };

  it('the list-age metric kept its last value once the state was gone: it keeps growing from the last fetch it knew', async () => {
    const { redis, sync, age, advance } = setup();
    await sync.sync();
    expect(await age()).toBe(0);
    redis.flush();
    advance(3_600_000);
    await sync.sync();
    // Was 0, as if the list had just been fetched.
    expect(await age()).toBe(3600);
  });

  it('keeps serving its lists while Redis holds none, and takes the source when it is stored anew from version 1', async () => {
    const { redis, intel, sync } = setup();
    await sync.sync();
    expect(intel.version('feed')).toBe(5);
    redis.flush();
    await sync.sync();
    expect(intel.version('feed')).toBe(5);
    expect(intel.lookup('10.5.0.1', 4)).toContainEqual(expect.objectContaining({ source: 'feed' }));
    redis.set('feed', { version: 1, refreshedAtMs: T0 });
    await sync.sync();
    // Was: kept version 5 for good, since 1 is not newer.
    expect(intel.version('feed')).toBe(1);
    expect(intel.lookup('10.1.0.1', 4)).toContainEqual(expect.objectContaining({ source: 'feed' }));
    expect(intel.lookup('10.5.0.1', 4)).not.toContainEqual(expect.objectContaining({ source: 'feed' }));
  });
});
