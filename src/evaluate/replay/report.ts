import type { TopLevelSpec } from 'vega-lite';
import { catchByHistoryChart, catchChart, codesChart, frictionChart, sweepChart, targetsChart } from './charts.js';
import { HISTORY_BUCKETS } from './history-bucket.js';
import { renderSvg } from './render-svg.js';
import type { ColumnReport, ReplayReport } from './report-data.js';
import { pct } from './table.js';
import type { ClassSummary, RateCell } from './tally.js';
import { TARGETS, meets } from './targets.js';

const TOP_REASONS = 5;
/** Up to this many sweep points are listed one by one. */
const SWEEP_ROWS = 30;

/**
 * The replay's HTML report: one self-contained file (inline CSS and SVG; no script, font or
 * image from anywhere), readable without JavaScript. Plots are Vega-Lite specs rendered to SVG
 * in Node (`renderSvg`); each sits in a `<figure data-chart="…">` with its numbers in a table
 * beside it.
 */
export async function renderReport(report: ReplayReport): Promise<string> {
  const { columns, input } = report;
  const attacks = columns.some((c) => c.classes.some((k) => k.class !== 'legit'));
  const figure = async (name: string, spec: TopLevelSpec) => `<figure data-chart="${name}">${await renderSvg(spec)}</figure>`;

  const sections: Section[] = [];
  sections.push(
    section(
      'targets',
      'Targets',
      targetsTable(columns) + (await figure('targets', targetsChart(columns))),
      '<p>Detection targets with the default settings (docs/evaluate.md “Targets”). Friction counts legit logins challenged or denied.</p>',
    ),
  );
  sections.push(
    section(
      'friction',
      'Friction against history length',
      (await figure('friction', frictionChart(columns))) + frictionTable(columns),
      '<p>Legit logins challenged or denied, by how many of the user’s legit logins history had learned before (committed in this replay). A challenged legit login passes its MFA and is committed, as a successful verification commits it; a denied one is not.</p>',
    ),
  );
  if (attacks) {
    sections.push(
      section(
        'catch',
        'Catch rate per attack kind',
        (await figure('catch', catchChart(columns))) + (await figure('catch-by-history', catchByHistoryChart(columns))) + catchTable(columns),
        '<p>Attack attempts challenged or denied. Attacks are assessed without commit and never completed, so they leave no history behind; the history bucket is the victim’s at the time.</p>',
      ),
    );
    sections.push(
      section(
        'sweep',
        'Threshold sweep',
        (await figure('sweep', sweepChart(columns))) + sweepTables(columns),
        '<p>Each curve recomputes the decision offline as “challenge when score ≥ t” for every threshold t the scores allow, from the answers’ <code>score</code>: ' +
          'legit friction on the x axis, attempts caught on the y axis. Moving right lowers the threshold. The dot is the configuration as it is. ' +
          'Deny rules, policy <code>always</code> and <code>never</code> do not move with t. History does not depend on t, since challenged and allowed legit logins both commit, ' +
          'except for legit logins that were denied (not committed), which a lower threshold would not have denied.</p>',
      ),
    );
  }
  const codes: string[] = [];
  for (const c of columns) codes.push((await figure(`codes-${slug(c.name)}`, codesChart(c))) + reasonsTable(c));
  sections.push(section('codes', 'Codes and reasons per class', codes.join(''), '<p>Each assessor’s code and the decision’s reasons, as shares of the class’s logins.</p>'));
  sections.push(section('config', 'The configurations compared', configTable(columns), ''));
  sections.push(section('run', 'The run', runTable(report), ''));

  const shift =
    input.shift.days === 0
      ? ''
      : `<p class="note">Timestamps were shifted by ${input.shift.days > 0 ? '+' : ''}${input.shift.days} days (whole weeks, so hours and weekdays are kept): ${
          input.shift.reason === 'in_future' ? 'the log is in the future' : 'the log is older than the service accepts (VIGIL_MAX_TIMESTAMP_AGE_DAYS)'
        }.</p>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Vigil replay — ${esc(input.log)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>Vigil replay report</h1>
<p><strong>${esc(input.log)}</strong>: ${n(input.rows)} rows — ${n(input.logins)} logins and ${n(input.failures)} failed logins${
    input.from ? `, ${esc(input.from.slice(0, 10))} to ${esc(input.to!.slice(0, 10))}` : ''
  }. Configurations: ${columns.map((c) => `<strong>${esc(c.name)}</strong>`).join(', ')}.</p>
${input.unlabelled > 0 ? `<p class="note">${n(input.unlabelled)} rows had no label and count as legit.</p>` : ''}${shift}
<nav>${sections.map((s) => `<a href="#${s.id}">${esc(s.title)}</a>`).join(' · ')}</nav>
</header>
<main>
${sections.map((s) => `<section id="${s.id}"><h2>${esc(s.title)}</h2>${s.html}</section>`).join('\n')}
</main>
<footer>Generated ${esc(report.generatedAt)} by <code>vigil replay</code> (docs/evaluate.md). IP geolocation by DB-IP (db-ip.com), CC BY 4.0, unless the configuration names another database.</footer>
</body>
</html>
`;
}

interface Section {
  id: string;
  title: string;
  html: string;
}

function section(id: string, title: string, body: string, intro: string): Section {
  return { id, title, html: intro + body };
}

function targetsTable(columns: readonly ColumnReport[]): string {
  const rows = TARGETS.map((t) => {
    const cells = columns.map((c) => {
      const v = t.measure(c);
      if (v === null) return '<td class="num muted">–</td>';
      const ok = meets(t, v);
      return `<td class="num ${ok ? 'ok' : 'miss'}">${pct(v)} ${ok ? '✓' : '✗'}</td>`;
    });
    return `<tr><th>${esc(t.label)}</th><td class="num">${t.kind === 'at_least' ? '≥' : '≤'} ${pct(t.goal)}</td>${cells.join('')}</tr>`;
  });
  return table(['', 'target', ...columns.map((c) => c.name)], rows);
}

function frictionTable(columns: readonly ColumnReport[]): string {
  const rows = [...HISTORY_BUCKETS, 'all'].map((bucket) => {
    const cells = columns.flatMap((c) => {
      const cell = cellOf(c.classes.find((k) => k.class === 'legit'), bucket);
      return cell.logins === 0 ? ['<td class="num">0</td>', '<td class="num muted">–</td>', '<td class="num muted">–</td>'] : [num(cell.logins), rate(cell.challengeRate), rate(cell.denyRate)];
    });
    return `<tr><th>${esc(bucket)}</th>${cells.join('')}</tr>`;
  });
  return table(['history', ...columns.flatMap((c) => [`${c.name}: logins`, 'challenged', 'denied'])], rows);
}

function catchTable(columns: readonly ColumnReport[]): string {
  const kinds = [...new Set(columns.flatMap((c) => c.classes.map((k) => k.class)))].filter((k) => k !== 'legit');
  const rows = kinds.flatMap((kind) =>
    ['all', ...HISTORY_BUCKETS].flatMap((bucket) => {
      const cells = columns.map((c) => cellOf(c.classes.find((k) => k.class === kind), bucket));
      if (bucket !== 'all' && cells.every((x) => x.logins === 0)) return [];
      const label = bucket === 'all' ? `<strong>${esc(kind.replace(/^attack:/, ''))}</strong>` : `&nbsp;&nbsp;${esc(bucket)}`;
      return [`<tr${bucket === 'all' ? ' class="sum"' : ''}><th>${label}</th>${cells.flatMap((x) => (x.logins === 0 ? ['<td class="num">0</td>', '<td class="num muted">–</td>', '<td class="num muted">–</td>'] : [num(x.logins), rate(x.caughtRate), rate(x.denyRate)])).join('')}</tr>`];
    }),
  );
  return table(['kind / victim’s history', ...columns.flatMap((c) => [`${c.name}: attempts`, 'caught', 'denied'])], rows);
}

/** The sweep's numbers: every threshold when there are few, else every 0.05 (the nearest score at or above it). */
function sweepTables(columns: readonly ColumnReport[]): string {
  return columns
    .map((c) => {
      const kinds = c.classes.filter((k) => k.class !== 'legit').map((k) => k.class);
      let points = c.sweep;
      if (points.length > SWEEP_ROWS) {
        const steps = Array.from({ length: 21 }, (_, i) => i / 20);
        points = [...new Set(steps.map((t) => c.sweep.find((p) => p.threshold >= t - 1e-9)).filter((p) => p !== undefined))];
      }
      const rows = points.map(
        (p) => `<tr><th class="num">${p.threshold.toFixed(3)}</th>${rate(p.friction)}${kinds.map((k) => rate(p.caught[k] ?? 0)).join('')}</tr>`,
      );
      return `<details><summary>${esc(c.name)}: the sweep in numbers</summary>${table(['score ≥', 'legit friction', ...kinds.map((k) => k.replace(/^attack:/, ''))], rows)}</details>`;
    })
    .join('');
}

function reasonsTable(c: ColumnReport): string {
  const rows = c.classes
    .filter((k) => k.all.logins > 0)
    .map((k) => {
      const reasons = k.reasons.slice(0, TOP_REASONS).map((r) => `${esc(r.reason)} ${pct(r.logins / k.all.logins)}`).join(', ') || '<span class="muted">none</span>';
      return `<tr><th>${esc(k.class)}</th>${num(k.all.logins)}<td>${reasons}</td></tr>`;
    });
  return table([`${c.name}: class`, 'logins', 'top decision reasons'], rows);
}

function configTable(columns: readonly ColumnReport[]): string {
  const keys = [...new Set(columns.flatMap((c) => Object.keys(c.settings)))].sort();
  const differs = (k: string) => new Set(columns.map((c) => JSON.stringify(c.settings[k] ?? null))).size > 1;
  const row = (k: string) => `<tr><th><code>${esc(k)}</code></th>${columns.map((c) => `<td>${c.settings[k] === undefined ? '<span class="muted">–</span>' : esc(String(c.settings[k]))}</td>`).join('')}</tr>`;
  const head = ['setting', ...columns.map((c) => `${c.name}${c.config ? ` (${c.config})` : ' (built-in defaults)'}`)];
  const changed = keys.filter(differs);
  const same = keys.filter((k) => !differs(k));
  const intro =
    columns.length > 1
      ? `<p>${changed.length} setting${changed.length === 1 ? '' : 's'} differ between the configurations; the ${same.length} others are the same (below, folded).</p>`
      : '<p>The settings that shape decisions, as the replay ran them (the configuration file over the defaults).</p>';
  const differing = columns.length > 1 ? table(head, changed.map(row)) : '';
  const rest = `<details${columns.length > 1 ? '' : ' open'}><summary>${columns.length > 1 ? 'Settings that are the same' : 'All settings'}</summary>${table(head, same.map(row))}</details>`;
  const lists = columns.some((c) => c.lists.length > 0)
    ? `<h3>IP lists loaded</h3>${table(['column', 'list', 'category', 'networks'], columns.flatMap((c) => c.lists.map((l) => `<tr><th>${esc(c.name)}</th><td>${esc(l.name)}</td><td>${esc(l.category)}</td>${num(l.networks)}</tr>`)))}`
    : '';
  return intro + differing + rest + lists;
}

function runTable(report: ReplayReport): string {
  const rows = report.columns.map((c) => {
    const errors = Object.entries(c.errors);
    return `<tr><th>${esc(c.name)}</th>${num(c.rows)}${num(c.counted)}${num(c.failuresRecorded)}${num(c.committed)}<td class="num">${(c.durationMs / 1000).toFixed(1)} s</td>${num(Math.round(c.rowsPerSec))}<td>${
      errors.length === 0 ? 'none' : errors.map(([r, k]) => `${esc(r)} ${n(k)}`).join(', ')
    }</td></tr>`;
  });
  return (
    table(['column', 'rows', 'logins in the rates', 'failures recorded', 'legit committed', 'time', 'logins/s', 'replay errors'], rows) +
    '<p>Replay errors: <code>history_unavailable</code> (history could not be loaded, so the decision was the fail-closed one; left out of the rates), <code>commit_failed</code> (decided, but history did not learn it), <code>refused:&lt;code&gt;</code> (the API would have refused the request, e.g. an ill-formed IP).</p>'
  );
}

function cellOf(k: ClassSummary | undefined, bucket: string): RateCell {
  const none = { logins: 0, challenged: 0, denied: 0, challengeRate: 0, denyRate: 0, caughtRate: 0 };
  if (!k) return none;
  return bucket === 'all' ? k.all : (k.buckets.find((b) => b.bucket === bucket) ?? none);
}

function table(head: readonly string[], rows: readonly string[]): string {
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

const n = (x: number) => x.toLocaleString('en-US');
const num = (x: number) => `<td class="num">${n(x)}</td>`;
const rate = (x: number) => `<td class="num">${pct(x)}</td>`;
const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-');

/** Escape text for HTML element content and double-quoted attributes. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

const CSS = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222; margin: 0 auto; max-width: 1200px; padding: 1.5em; }
h1 { margin: 0 0 .3em; } h2 { margin-top: 2em; border-bottom: 1px solid #ddd; padding-bottom: .2em; }
nav a { color: #0b5cad; text-decoration: none; } nav { margin: .8em 0; }
table { border-collapse: collapse; margin: 1em 0; font-variant-numeric: tabular-nums; }
th, td { padding: .25em .7em; border-bottom: 1px solid #eee; text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid #ccc; font-weight: 600; }
td.num { text-align: right; white-space: nowrap; }
tr.sum th, tr.sum td { border-top: 1px solid #ccc; }
.ok { color: #17692b; } .miss { color: #b3261e; font-weight: 600; } .muted { color: #999; }
.note { background: #fff8e1; padding: .4em .7em; border-left: 3px solid #f0b400; }
figure { margin: 1em 0; overflow-x: auto; } figure svg { max-width: none; }
details { margin: 1em 0; } summary { cursor: pointer; color: #0b5cad; }
footer { margin-top: 3em; color: #777; font-size: 12px; }
code { font-size: 12.5px; }
`;
