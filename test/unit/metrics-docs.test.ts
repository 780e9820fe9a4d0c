import { readFileSync } from 'node:fs';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/platform/metrics/metrics.js';

/** The metrics table of docs/operations.md and src/platform/metrics/metrics.ts must name the same metrics. */
describe('docs/operations.md metrics table', () => {
  it('names every metric Vigil registers, and no other', async () => {
    const doc = readFileSync('docs/operations.md', 'utf8');
    const start = doc.indexOf('\n## Metrics\n');
    expect(start).toBeGreaterThan(-1);
    const end = doc.indexOf('\n## ', start + 1);
    const section = doc.slice(start, end === -1 ? undefined : end);
    const documented = new Set(
      section
        .split('\n')
        .filter((line) => line.startsWith('| `vigil_'))
        .flatMap((line) => [...line.split(' | ')[0]!.matchAll(/`(vigil_[a-z0-9_]+)`/g)].map((m) => m[1]!)),
    );

    // Node process metrics (prefixed `vigil_` too) are covered by one sentence, not the table.
    const processMetrics = new Registry();
    collectDefaultMetrics({ register: processMetrics, prefix: 'vigil_' });
    const defaults = new Set((await processMetrics.getMetricsAsJSON()).map((m) => m.name));
    const own = (await createMetrics().registry.getMetricsAsJSON()).map((m) => m.name).filter((n) => !defaults.has(n));

    expect(own.length).toBeGreaterThan(20);
    expect(own.filter((n) => !documented.has(n))).toEqual([]);
    expect([...documented].filter((n) => !own.includes(n))).toEqual([]);
  });
});
