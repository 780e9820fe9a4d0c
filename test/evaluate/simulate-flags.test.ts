import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS, SIMULATE_FLAGS, applyRateScale, helpText, parseSimulateFlags } from '../../src/evaluate/simulate/flags.js';
import { Rng } from '../../src/evaluate/simulate/rng.js';
import { travelHours } from '../../src/evaluate/simulate/travel-hours.js';

describe('simulate flags', () => {
  it('--help lists every flag with its default and its source', () => {
    const help = helpText();
    for (const f of SIMULATE_FLAGS) {
      expect(help).toContain(`--${f.flag} (default `);
      expect(f.source.length).toBeGreaterThan(0);
    }
    expect(help.match(/source: /g)).toHaveLength(SIMULATE_FLAGS.length);
    for (const flag of ['--out', '--format', '--data-dir', '--help']) expect(help).toContain(flag);
    expect(parseSimulateFlags(['--help'])).toEqual({ ok: true, help: true });
  });

  it('parses values and output options', () => {
    const p = parseSimulateFlags(['--users', '10', '--seed', '9', '--start', '2025-03-01', '--vpn-share', '0.1', '--format', 'csv', '--out', 'x.csv', '--data-dir', 'none']);
    expect(p.ok && !p.help && p.options).toMatchObject({ users: 10, seed: 9, startMs: Date.parse('2025-03-01'), vpnShare: 0.1, days: 120 });
    expect(p.ok && !p.help && p.output).toEqual({ format: 'csv', out: 'x.csv', dataDir: null });
    const q = parseSimulateFlags([]);
    expect(q.ok && !q.help && q.output).toEqual({ format: 'jsonl', out: null, dataDir: undefined });
  });

  it('refuses what it cannot use', () => {
    for (const argv of [['--users', '-1'], ['--users', '2.5'], ['--ropg-share', '2'], ['--start', 'yesterday'], ['--days', 'x'], ['--rate-scale', '0'], ['--bogus'], ['--stuffing-success', '0'], ['extra']]) {
      expect([argv, parseSimulateFlags(argv).ok]).toEqual([argv, false]);
    }
  });

  it('--rate-scale multiplies the behaviour rates, divides the release period, leaves the rest', () => {
    const s = applyRateScale({ ...DEFAULT_OPTIONS, rateScale: 1.5 });
    expect(s.tripsPerYear).toBeCloseTo(DEFAULT_OPTIONS.tripsPerYear * 1.5);
    expect(s.cookieClearsPerMonth).toBeCloseTo(DEFAULT_OPTIONS.cookieClearsPerMonth * 1.5);
    expect(s.browserReleaseDays).toBeCloseTo(DEFAULT_OPTIONS.browserReleaseDays / 1.5);
    expect(s.users).toBe(DEFAULT_OPTIONS.users);
    expect(s.mobileShare).toBe(DEFAULT_OPTIONS.mobileShare);
    expect(s.rateScale).toBe(1);
    expect(applyRateScale(s)).toEqual(s);
    expect(applyRateScale({ ...DEFAULT_OPTIONS, ropgShare: 0.8, rateScale: 2 }).ropgShare).toBe(1);
  });
});

describe('simulator helpers', () => {
  it('names random streams by seed and path', () => {
    const draw = (r: Rng) => Array.from({ length: 5 }, () => r.int(0, 1e9));
    expect(draw(Rng.stream(1, 'user', 3))).toEqual(draw(Rng.stream(1, 'user', 3)));
    expect(draw(Rng.stream(1, 'user', 3))).not.toEqual(draw(Rng.stream(1, 'user', 4)));
    expect(draw(Rng.stream(1, 'user', 3))).not.toEqual(draw(Rng.stream(2, 'user', 3)));
    const r = Rng.stream(5);
    const mean = Array.from({ length: 20_000 }, () => r.exponential(3)).reduce((a, b) => a + b) / 20_000;
    expect(mean).toBeCloseTo(3, 0);
  });

  it('times a journey as airport overhead plus the flight', () => {
    expect(travelHours(0, 800, 3)).toBe(0);
    expect(travelHours(8000, 800, 3)).toBe(13);
  });
});

describe('docs/simulate.md', () => {
  it('lists every flag with its default', async () => {
    const doc = await readFile(new URL('../../docs/simulate.md', import.meta.url), 'utf8');
    for (const f of SIMULATE_FLAGS) {
      const def = f.kind === 'date' ? new Date(f.default).toISOString() : String(f.default);
      expect(doc).toContain(`| \`--${f.flag}\` | ${def} |`);
    }
  });
});
