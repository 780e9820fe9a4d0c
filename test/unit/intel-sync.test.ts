import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { ListSourceConfig } from '../../src/config.js';
import { IntelSync } from '../../src/feeds/intel-sync.js';
import type { SourceState } from '../../src/feeds/source-state.js';
import type { IntelStore } from '../../src/stores/intel/intel-store.js';
import type { TrafficStore } from '../../src/stores/traffic/traffic-store.js';
import { IpIntel } from '../../src/intel/intel.js';
import { IpSet } from '../../src/intel/ip-set.js';
import { createMetrics } from '../../src/metrics.js';

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
