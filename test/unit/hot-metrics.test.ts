import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { HotCounter, HotHistogram } from '../../src/platform/metrics/hot-metrics.js';

/** The same updates through prom-client and through the hot metrics must scrape the same. */
describe('hot metrics', () => {
  const buckets = [0.001, 0.01, 0.1, 1];
  const observations: [Record<'route' | 'status', string>, number][] = [
    [{ route: '/v1/assess', status: '200' }, 0.0004],
    [{ route: '/v1/assess', status: '200' }, 0.001], // on a bound: counts in that bucket
    [{ route: '/v1/assess', status: '200' }, 0.05],
    [{ route: '/v1/assess', status: '400' }, 0.002],
    [{ route: '/v1/events', status: '200' }, 7], // above every bound: +Inf only
    [{ route: 'a "quoted"\\route\n', status: '500' }, 0.3],
  ];

  it('exposes a histogram exactly as prom-client does', async () => {
    const prom = new Registry();
    const hot = new Registry();
    const a = new Histogram({ name: 'h_seconds', help: 'help', labelNames: ['route', 'status'], buckets, registers: [prom] });
    const b = new HotHistogram({ name: 'h_seconds', help: 'help', labelNames: ['route', 'status'], buckets, registers: [hot] });
    for (const [labels, v] of observations) {
      a.observe(labels, v);
      b.observe(labels, v);
    }
    expect(await hot.metrics()).toBe(await prom.metrics());
    expect(await hot.metrics()).toContain('h_seconds_bucket{le="0.001",route="/v1/assess",status="200"} 2');
  });

  it('exposes a counter exactly as prom-client does, increments and all', async () => {
    const prom = new Registry();
    const hot = new Registry();
    const a = new Counter({ name: 'c_total', help: 'help', labelNames: ['route', 'status'], registers: [prom] });
    const b = new HotCounter({ name: 'c_total', help: 'help', labelNames: ['route', 'status'], registers: [hot] });
    for (const [labels, v] of observations) {
      a.inc(labels);
      b.inc(labels);
      a.inc(labels, v);
      b.inc(labels, v);
    }
    expect(await hot.metrics()).toBe(await prom.metrics());
  });

  it('keeps series apart by every label, and starts over on reset', async () => {
    const r = new Registry();
    const c = new HotCounter({ name: 'x_total', help: 'h', labelNames: ['a', 'b'], registers: [r] });
    c.inc({ a: '1', b: '2' });
    c.inc({ a: '12', b: '' });
    c.inc({ a: '1', b: '2' });
    expect((await r.getMetricsAsJSON())[0]!.values).toEqual([
      { labels: { a: '1', b: '2' }, value: 2 },
      { labels: { a: '12', b: '' }, value: 1 },
    ]);
    r.resetMetrics();
    expect((await r.getMetricsAsJSON())[0]!.values).toEqual([]);
  });

  it('refuses what prom-client refuses: a missing label, a value that is not a number', () => {
    const r = new Registry();
    const h = new HotHistogram({ name: 'y_seconds', help: 'h', labelNames: ['a'], buckets, registers: [r] });
    expect(() => h.observe({} as { a: string }, 1)).toThrow(/label "a"/);
    expect(() => h.observe({ a: 'x' }, Number.NaN)).toThrow(/finite/);
  });
});
