import type { TopLevelSpec } from 'vega-lite';
import { ASSESSOR_NAMES } from '../../risk/assessors/types.js';
import { HISTORY_BUCKETS } from './history-bucket.js';
import type { ColumnReport } from './report-data.js';
import { TARGETS } from './targets.js';

/**
 * The report's plots as Vega-Lite specs (rendered to SVG by `renderSvg`), each with its data
 * inline. Pure: a spec is data about data. Rates are fractions in [0, 1], shown as percents.
 */

const WIDTH = 260;
const HEIGHT = 200;
const CONFIG = {
  font: 'sans-serif',
  view: { stroke: '#ddd' },
  axis: { labelFontSize: 11, titleFontSize: 12, labelLimit: 260 },
  legend: { labelFontSize: 11, labelLimit: 260 },
} as const;
const percentAxis = { format: '.1~%' } as const;
const kindOf = (cls: string) => cls.replace(/^attack:/, '');

/** Legit logins challenged and denied per history bucket, one bar per configuration. */
export function frictionChart(columns: readonly ColumnReport[]): TopLevelSpec {
  const values = columns.flatMap((c) => {
    const legit = c.classes.find((k) => k.class === 'legit');
    return (legit?.buckets ?? []).flatMap((b) => [
      { config: c.name, bucket: b.bucket, measure: 'challenged', rate: b.challengeRate, logins: b.logins },
      { config: c.name, bucket: b.bucket, measure: 'denied', rate: b.denyRate, logins: b.logins },
    ]);
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Legit logins challenged and denied, by history length',
    config: CONFIG,
    data: { values },
    facet: { column: { field: 'measure', type: 'nominal', title: null, header: { labelFontSize: 12 } } },
    spec: {
      width: WIDTH,
      height: HEIGHT,
      mark: 'bar',
      encoding: {
        x: { field: 'bucket', type: 'ordinal', sort: [...HISTORY_BUCKETS], title: 'committed legit logins before this one', axis: { labelAngle: 0 } },
        xOffset: { field: 'config', type: 'nominal' },
        y: { field: 'rate', type: 'quantitative', title: 'share of legit logins', axis: percentAxis },
        color: { field: 'config', type: 'nominal', title: 'configuration' },
      },
    },
  };
}

/** Attempts caught (challenged or denied) per attack kind, one bar per configuration. */
export function catchChart(columns: readonly ColumnReport[]): TopLevelSpec {
  const values = columns.flatMap((c) =>
    c.classes.filter((k) => k.class !== 'legit').map((k) => ({ config: c.name, kind: kindOf(k.class), rate: k.all.caughtRate, attempts: k.all.logins })),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Attacks caught (challenged or denied), per kind',
    config: CONFIG,
    data: { values },
    width: Math.max(WIDTH, 70 * new Set(values.map((v) => v.kind)).size),
    height: HEIGHT,
    mark: 'bar',
    encoding: {
      x: { field: 'kind', type: 'nominal', title: 'attack kind', axis: { labelAngle: -30 } },
      xOffset: { field: 'config', type: 'nominal' },
      y: { field: 'rate', type: 'quantitative', title: 'share of attempts caught', axis: percentAxis, scale: { domain: [0, 1] } },
      color: { field: 'config', type: 'nominal', title: 'configuration' },
    },
  };
}

/** Catch rate per attack kind against the victim's history length, one panel per configuration. */
export function catchByHistoryChart(columns: readonly ColumnReport[]): TopLevelSpec {
  const values = columns.flatMap((c) =>
    c.classes
      .filter((k) => k.class !== 'legit')
      .flatMap((k) => k.buckets.filter((b) => b.logins > 0).map((b) => ({ config: c.name, kind: kindOf(k.class), bucket: b.bucket, rate: b.caughtRate, attempts: b.logins }))),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Attacks caught, by the victim’s history length',
    config: CONFIG,
    data: { values },
    facet: { column: { field: 'config', type: 'nominal', title: null, header: { labelFontSize: 12 } } },
    spec: {
      width: WIDTH,
      height: HEIGHT,
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'bucket', type: 'ordinal', sort: [...HISTORY_BUCKETS], title: 'victim’s committed legit logins', axis: { labelAngle: 0 } },
        y: { field: 'rate', type: 'quantitative', title: 'share of attempts caught', axis: percentAxis, scale: { domain: [0, 1] } },
        color: { field: 'kind', type: 'nominal', title: 'attack kind' },
      },
    },
  };
}

/**
 * The threshold sweep: "challenge when score ≥ t" for every t, legit friction against catch
 * rate per attack kind; the configuration's own operating point as a dot on each curve.
 */
export function sweepChart(columns: readonly ColumnReport[]): TopLevelSpec {
  const values = columns.flatMap((c) => {
    const legit = c.classes.find((k) => k.class === 'legit');
    const curve = c.sweep.flatMap((p) =>
      Object.entries(p.caught).map(([cls, caught]) => ({ config: c.name, series: 'sweep', kind: kindOf(cls), threshold: p.threshold, friction: p.friction, caught })),
    );
    const here = c.classes
      .filter((k) => k.class !== 'legit')
      .map((k) => ({ config: c.name, series: 'configured', kind: kindOf(k.class), threshold: null, friction: legit?.all.caughtRate ?? 0, caught: k.all.caughtRate }));
    return [...curve, ...here];
  });
  const x = {
    field: 'friction',
    type: 'quantitative' as const,
    title: 'legit logins challenged or denied (√ scale)',
    axis: { ...percentAxis, values: [0, 0.01, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1] },
    scale: { type: 'sqrt' as const, domain: [0, 1] },
  };
  const y = { field: 'caught', type: 'quantitative' as const, title: 'attempts caught', axis: percentAxis, scale: { domain: [0, 1] } };
  const color = { field: 'kind', type: 'nominal' as const, title: 'attack kind' };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Threshold sweep: friction against catch rate as the challenge threshold moves',
    config: CONFIG,
    data: { values },
    facet: { column: { field: 'config', type: 'nominal', title: null, header: { labelFontSize: 12 } } },
    spec: {
      width: 380,
      height: 300,
      layer: [
        {
          transform: [{ filter: "datum.series === 'sweep'" }],
          mark: { type: 'line', point: { size: 18 }, strokeWidth: 1.5 },
          encoding: { x, y, color, order: { field: 'threshold', sort: 'descending' } },
        },
        {
          transform: [{ filter: "datum.series === 'configured'" }],
          mark: { type: 'point', filled: true, size: 70, stroke: 'black', strokeWidth: 1 },
          encoding: { x, y, color },
        },
      ],
    },
  };
}

/** Shares of each assessor's codes per class (legit and each attack kind), for one configuration. */
export function codesChart(column: ColumnReport): TopLevelSpec {
  const values = column.classes.flatMap((k) =>
    k.codes.map(({ code, logins }) => {
      const [assessor = '', name = ''] = code.split(':');
      return { class: k.class, assessor, code: name, share: k.all.logins === 0 ? 0 : logins / k.all.logins, logins };
    }),
  );
  // The answer's order (NewDevice, ImpossibleTravel, UntrustedIP), then any other assessor.
  const rank = (a: string) => {
    const i = (ASSESSOR_NAMES as readonly string[]).indexOf(a);
    return i < 0 ? ASSESSOR_NAMES.length : i;
  };
  const assessors = [...new Set(values.map((v) => v.assessor))].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `Codes per class — ${column.name}`,
    config: CONFIG,
    data: { values },
    vconcat: assessors.map((assessor) => ({
      title: assessor,
      width: 420,
      transform: [{ filter: { field: 'assessor', equal: assessor } }],
      mark: 'bar',
      encoding: {
        y: { field: 'class', type: 'nominal', title: null, sort: column.classes.map((k) => k.class) },
        x: { field: 'share', type: 'quantitative', title: 'share of the class’s logins', axis: percentAxis, stack: 'zero' },
        color: { field: 'code', type: 'nominal', title: `${assessor} code`, scale: { scheme: 'tableau20' } },
      },
    })),
    resolve: { scale: { color: 'independent' } },
  };
}

/** Each target's measured value per configuration (dots) against its goal (a tick). */
export function targetsChart(columns: readonly ColumnReport[]): TopLevelSpec {
  const values = TARGETS.flatMap((t) =>
    columns.flatMap((c) => {
      const value = t.measure(c);
      return value === null ? [] : [{ target: t.label, config: c.name, value, goal: t.goal }];
    }),
  );
  const y = { field: 'target', type: 'nominal' as const, title: null, sort: TARGETS.map((t) => t.label) };
  const x = { type: 'quantitative' as const, title: 'measured (dots) against the target (tick)', axis: percentAxis, scale: { domain: [0, 1] } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Targets, per configuration',
    config: CONFIG,
    data: { values },
    width: 420,
    layer: [
      { mark: { type: 'tick', color: 'black', thickness: 2 }, encoding: { y, x: { ...x, field: 'goal' } } },
      {
        mark: { type: 'point', filled: true, size: 80, opacity: 0.85 },
        encoding: { y, x: { ...x, field: 'value' }, color: { field: 'config', type: 'nominal', title: 'configuration' } },
      },
    ],
  };
}
