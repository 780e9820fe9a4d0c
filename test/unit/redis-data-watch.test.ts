import { EMPTY_PROFILE } from '../../src/risk/familiarity/profile.js';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { HistorySnapshot } from '../../src/risk/history/snapshot.js';
import { createMetrics } from '../../src/platform/metrics/metrics.js';
import { createRedisDataWatch, type DataLoss } from '../../src/redis-data/redis-data-watch.js';
import type { DataMarker, MarkerStore } from '../../src/stores/marker/marker-store.js';

/**
 * The data watch against a marker held in memory (the integration test,
 * test/integration/redis-data-loss.test.ts, runs it on a real Redis): when a loss is one, what
 * it trusts, and when.
 */

const HOUR = 3_600_000;
const EMPTY: HistorySnapshot = { known: false, devices: new Map(), userAgents: new Map(), lastLocation: null, lastLoginMs: null, profile: EMPTY_PROFILE, places: [] };
const KNOWN: HistorySnapshot = { ...EMPTY, known: true, lastLoginMs: 1 };

function setup() {
  let marker: DataMarker | null = null;
  let now = Date.UTC(2026, 5, 1);
  let listener: (state: 'up' | 'down') => void = () => {};
  const store = {
    read: async () => marker,
    create: async (m: DataMarker) => {
      if (marker) return { created: false, marker };
      marker = m;
      return { created: true, marker: m };
    },
  } as unknown as MarkerStore;
  const metrics = createMetrics();
  const losses: DataLoss[] = [];
  const watch = createRedisDataWatch({
    store,
    redis: { watchReads: (l) => ((listener = l), () => {}) },
    metrics,
    logger: pino({ level: 'silent' }),
    now: () => now,
    intervalMs: 60_000,
    failClosedMs: 24 * HOUR,
  });
  watch.onLoss((loss) => void losses.push(loss));
  return {
    watch,
    losses,
    metrics,
    flush: () => (marker = null),
    replace: (m: DataMarker) => (marker = m),
    marker: () => marker,
    advance: (ms: number) => (now += ms),
    signal: (state: 'up' | 'down') => listener(state),
  };
}

describe('createRedisDataWatch', () => {
  it('takes a Redis without a marker at its first look for a first start: a marker, no loss, nothing distrusted', async () => {
    const s = setup();
    await s.watch.start();
    expect(s.marker()).toMatchObject({ lostAtMs: null });
    expect(s.losses).toEqual([]);
    expect(s.watch.trusts(EMPTY)).toBe(true);
    expect(s.watch.status()).toMatchObject({ lostAtMs: null, failClosedUntilMs: null, verified: true });
    s.watch.close();
  });

  it('a marker gone later is a loss: counted once, the new marker records it, empty histories fail closed for the window', async () => {
    const s = setup();
    await s.watch.start();
    const before = s.marker()!;
    s.flush();
    s.advance(1000);
    await s.watch.check();
    await s.watch.check();
    expect(s.losses).toHaveLength(1);
    expect(s.losses[0]!.first).toBe(true);
    expect(s.marker()!.id).not.toBe(before.id);
    expect(s.marker()!.lostAtMs).toBe(s.marker()!.sinceMs);
    expect((await s.metrics.redisDataLosses.get()).values[0]!.value).toBe(1);
    expect(s.watch.trusts(EMPTY)).toBe(false);
    expect(s.watch.trusts(KNOWN)).toBe(true);
    s.advance(24 * HOUR);
    expect(s.watch.trusts(EMPTY)).toBe(true);
    expect(s.watch.status().failClosedUntilMs).toBeNull();
    s.watch.close();
  });

  it('a marker another instance wrote after the loss is a loss here too, not written again', async () => {
    const s = setup();
    await s.watch.start();
    s.replace({ id: 'other', sinceMs: 5, lostAtMs: 5 });
    await s.watch.check();
    expect(s.losses).toEqual([{ first: false, marker: { id: 'other', sinceMs: 5, lostAtMs: 5 } }]);
    expect(s.marker()!.id).toBe('other');
    s.watch.close();
  });

  it('from a drop of the reads connection until the marker is seen again, empty histories are not believed', async () => {
    const s = setup();
    await s.watch.start();
    s.signal('down');
    expect(s.watch.trusts(EMPTY)).toBe(false);
    expect(s.watch.trusts(KNOWN)).toBe(true);
    await s.watch.check();
    expect(s.watch.trusts(EMPTY)).toBe(true);
    s.watch.close();
  });
});
