import { parse, type DefaultTreeAdapterMap } from 'parse5';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { HISTORY_BUCKETS } from '../../src/evaluate/replay/history-bucket.js';
import { detectionSettings, type ColumnReport, type ReplayReport } from '../../src/evaluate/replay/report-data.js';
import { renderReport } from '../../src/evaluate/replay/report.js';
import { renderTable } from '../../src/evaluate/replay/table.js';
import { Tally } from '../../src/evaluate/replay/tally.js';
import { login } from './replay-fixtures.js';

/**
 * The HTML report renders: it parses without a single HTML parse error, loads nothing from
 * anywhere, and each plot holds its series (the SVG marks vega writes carry their data in
 * `aria-label`s).
 */

type Node = DefaultTreeAdapterMap['node'];
type Element = DefaultTreeAdapterMap['element'];

const KINDS = ['naive', 'stolen_cookie', 'very_targeted'];

function column(name: string, strictness: number): ColumnReport {
  const t = new Tally();
  // Legit logins across every bucket; a share of them challenged, growing with strictness.
  for (let i = 0; i < 200; i++) {
    const score = (i % 7) / 6;
    t.add(login('legit', { history: i % 40, score, action: score >= 1 - strictness ? 'challenge' : 'allow', codes: { NewDevice: i % 3 ? 'match' : 'no_match', ImpossibleTravel: 'minimal_travel_from_last_login' } }));
  }
  for (const [k, kind] of KINDS.entries()) {
    for (let i = 0; i < 30; i++) {
      const score = ((i + k) % 4) / 3;
      t.add(login(`attack:${kind}`, { history: i, score, action: score >= 1 - strictness ? 'challenge' : 'allow', codes: { NewDevice: 'no_match', ImpossibleTravel: 'travel_from_last_login' }, reasons: ['no_match'] }));
    }
  }
  const config = loadConfig({}, strictness > 0.5 ? { combiner: { bands: { low: 0.3 } } } : {});
  return { name, config: null, settings: detectionSettings(config), lists: [], durationMs: 1000, rowsPerSec: 290, ...t.summary() };
}

const report: ReplayReport = {
  tool: 'vigil replay',
  schema: 1,
  generatedAt: '2026-06-10T12:00:00.000Z',
  input: { log: 'logins <test>.jsonl', format: 'jsonl', rows: 580, logins: 580, failures: 0, unlabelled: 0, outOfOrder: 0, from: '2026-01-01T00:00:00.000Z', to: '2026-04-30T00:00:00.000Z', shift: { days: 0, reason: null } },
  columns: [column('lenient', 0.2), column('strict', 0.7)],
};

function walk(node: Node, visit: (el: Element) => void): void {
  if ('tagName' in node) visit(node);
  for (const child of 'childNodes' in node ? node.childNodes : []) walk(child, visit);
  if ('content' in node && node.content) walk(node.content as Node, visit);
}
const attr = (el: Element, name: string) => el.attrs.find((a) => a.name === name)?.value;

describe('renderReport', async () => {
  const html = await renderReport(report);
  const errors: string[] = [];
  const doc = parse(html, { onParseError: (e) => errors.push(`${e.code} at line ${e.startLine}`) });
  const figures = new Map<string, Element>();
  walk(doc, (el) => {
    if (el.tagName === 'figure') figures.set(attr(el, 'data-chart') ?? '', el);
  });
  /** The aria-labels of one figure's marks of a kind ('bar', 'line mark', 'point', 'tick'). */
  const marks = (chart: string, kind: string) => {
    const labels: string[] = [];
    walk(figures.get(chart)!, (el) => {
      if (attr(el, 'aria-roledescription') === kind) labels.push(attr(el, 'aria-label') ?? '');
    });
    return labels;
  };

  it('is a well-formed HTML document with nothing loaded from elsewhere', () => {
    expect(errors).toEqual([]);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    const outside: string[] = [];
    walk(doc, (el) => {
      if (el.tagName === 'script' || el.tagName === 'link' || el.tagName === 'iframe' || el.tagName === 'img') outside.push(el.tagName);
      for (const a of el.attrs) if ((a.name === 'src' || a.name === 'href') && !a.value.startsWith('#')) outside.push(`${el.tagName} ${a.name}=${a.value}`);
    });
    expect(outside).toEqual([]);
    // The log's name is text, escaped.
    expect(html).toContain('logins &#60;test&#62;.jsonl');
  });

  it('has every plot, as inline SVG', () => {
    expect([...figures.keys()].sort()).toEqual(['catch', 'catch-by-history', 'codes-lenient', 'codes-strict', 'friction', 'sweep', 'targets']);
    for (const f of figures.values()) expect(f.childNodes.some((c) => 'tagName' in c && c.tagName === 'svg')).toBe(true);
  });

  it('friction: a bar per configuration, history bucket and measure, with the tally’s rates', () => {
    const bars = marks('friction', 'bar');
    expect(bars).toHaveLength(2 * HISTORY_BUCKETS.length * 2);
    for (const name of ['lenient', 'strict']) for (const b of HISTORY_BUCKETS) expect(bars.filter((l) => l.includes(`config: ${name};`) && l.includes(`before this one: ${b};`))).toHaveLength(2);
    const strict0 = report.columns[1]!.classes[0]!.buckets[0]!;
    expect(bars.some((l) => l.includes('config: strict;') && l.includes('before this one: 0;') && l.includes(`share of legit logins: ${(strict0.challengeRate * 100).toFixed(1).replace(/\.0$/, '')}%`))).toBe(true);
  });

  it('catch: a bar per attack kind and configuration; by history: a line per kind and configuration', () => {
    const bars = marks('catch', 'bar');
    expect(bars).toHaveLength(KINDS.length * 2);
    for (const kind of KINDS) expect(bars.filter((l) => l.includes(`attack kind: ${kind};`))).toHaveLength(2);
    const lines = marks('catch-by-history', 'line mark');
    expect(lines).toHaveLength(KINDS.length * 2);
  });

  it('sweep: a curve per attack kind and configuration, and the configured point on each', () => {
    const curves = marks('sweep', 'line mark');
    expect(curves).toHaveLength(KINDS.length * 2);
    for (const kind of KINDS) expect(curves.filter((l) => l.includes(`attack kind: ${kind};`))).toHaveLength(2);
    // Points: one per sweep threshold on each curve, plus the configured one.
    const points = marks('sweep', 'point');
    const perCurve = report.columns[0]!.sweep.length + 1;
    expect(points.length).toBe(2 * KINDS.length * perCurve);
  });

  it('codes: a bar per class and code for each assessor; targets: a goal tick and a dot per configuration', () => {
    const bars = marks('codes-strict', 'bar');
    for (const cls of ['legit', ...KINDS.map((k) => `attack:${k}`)]) expect(bars.some((l) => l.includes(`class: ${cls};`))).toBe(true);
    expect(bars.filter((l) => l.includes('NewDevice code: no_match'))).toHaveLength(4);
    // Naive, stolen-cookie, very targeted and both friction targets have data here.
    expect(marks('targets', 'point')).toHaveLength(5 * 2);
  });

  it('compares the configurations: the differing setting is listed with both values', () => {
    expect(html).toMatch(/<tr><th><code>combiner\.bands\.low<\/code><\/th><td>0\.6<\/td><td>0\.3<\/td><\/tr>/);
    expect(renderTable(report)).toMatch(/lenient: logins\s+challenged\s+denied\s+strict: logins/);
  });
});
