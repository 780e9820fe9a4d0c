import { HISTORY_BUCKETS } from './history-bucket.js';
import type { ColumnReport, ReplayReport } from './report-data.js';
import type { ClassSummary, RateCell } from './tally.js';
import { TARGETS, meets } from './targets.js';

const TOP_CODES = 5;
const TOP_REASONS = 3;

/** A share as a percent with one decimal; a share too small to show as such is `<0.1%`, not `0.0%`. */
export const pct = (x: number): string => (x > 0 && x < 0.0005 ? '<0.1%' : `${(x * 100).toFixed(1)}%`);
const int = (n: number): string => n.toLocaleString('en-US');
const count = (n: number, noun: string): string => `${int(n)} ${noun}${n === 1 ? '' : 's'}`;

/**
 * The replay's terminal table: legit challenge and deny rates per history bucket, catch rates
 * per attack kind and bucket (configurations side by side), the targets, then per configuration the top
 * codes and reasons of each class, replay errors and speed. Plain text, no colour.
 */
export function renderTable(report: ReplayReport): string {
  const { input, columns } = report;
  const out: string[] = [];
  out.push(
    `vigil replay: ${input.log} — ${count(input.rows, 'row')}: ${count(input.logins, 'login')}, ${count(input.failures, 'failed login')}` +
      (input.from ? `, ${input.from.slice(0, 10)} → ${input.to!.slice(0, 10)}` : ''),
  );
  if (input.unlabelled > 0) out.push(`${int(input.unlabelled)} rows had no label and count as legit.`);
  if (input.outOfOrder > 0) out.push(`${int(input.outOfOrder)} rows were out of time order and were sorted.`);
  if (input.shift.days !== 0) {
    out.push(
      `Timestamps shifted by ${input.shift.days > 0 ? '+' : ''}${input.shift.days} days (whole weeks: hours and weekdays kept): ` +
        (input.shift.reason === 'in_future' ? 'the log is in the future.' : 'the log is older than VIGIL_MAX_TIMESTAMP_AGE_DAYS accepts.'),
    );
  }

  out.push('', 'Legit logins: challenged and denied, by the history committed before each login');
  const legitHead = ['history', ...columns.flatMap((c) => [`${c.name}: logins`, 'challenged', 'denied'])];
  const legitRows: string[][] = [];
  for (const bucket of [...HISTORY_BUCKETS, 'all'] as const) {
    legitRows.push([bucket, ...columns.flatMap((c) => legitCells(cellOf(classOf(c, 'legit'), bucket)))]);
  }
  out.push(grid(legitHead, legitRows));

  const kinds = [...new Set(columns.flatMap((c) => c.classes.map((k) => k.class)))].filter((k) => k !== 'legit');
  if (kinds.length > 0) {
    out.push('', 'Attacks: caught (challenged or denied), by the victim’s committed history');
    const head = ['kind / history', ...columns.flatMap((c) => [`${c.name}: attempts`, 'caught', 'denied'])];
    const rows: string[][] = [];
    for (const kind of kinds) {
      rows.push([kind.replace(/^attack:/, ''), ...columns.flatMap((c) => attackCells(cellOf(classOf(c, kind), 'all')))]);
      for (const bucket of HISTORY_BUCKETS) {
        if (columns.every((c) => cellOf(classOf(c, kind), bucket).logins === 0)) continue;
        rows.push([`  ${bucket}`, ...columns.flatMap((c) => attackCells(cellOf(classOf(c, kind), bucket)))]);
      }
    }
    out.push(grid(head, rows));
  }

  const targets = TARGETS.filter((t) => columns.some((c) => t.measure(c) !== null));
  if (targets.length > 0) {
    out.push('', 'Targets with default settings (docs/evaluate.md)');
    const rows = targets.map((t) => [
      t.label,
      `${t.kind === 'at_least' ? '≥' : '≤'} ${pct(t.goal)}`,
      ...columns.map((c) => {
        const v = t.measure(c);
        return v === null ? '–' : `${pct(v)} ${meets(t, v) ? 'met' : 'MISSED'}`;
      }),
    ]);
    out.push(grid(['target', 'goal', ...columns.map((c) => c.name)], rows));
  }

  for (const c of columns) {
    out.push('', `Top codes and reasons — ${c.name}`);
    for (const k of c.classes) {
      const n = k.all.logins;
      if (n === 0) continue;
      const codes = k.codes.slice(0, TOP_CODES).map((x) => `${x.code} ${pct(x.logins / n)}`).join(', ');
      const reasons = k.reasons.slice(0, TOP_REASONS).map((x) => `${x.reason} ${pct(x.logins / n)}`).join(', ');
      out.push(`  ${k.class} (${int(n)}): ${codes}`);
      if (reasons) out.push(`  ${' '.repeat(k.class.length)}   reasons: ${reasons}`);
    }
  }

  out.push('');
  for (const c of columns) out.push(footer(c));
  return `${out.join('\n')}\n`;
}

function classOf(c: ColumnReport, name: string): ClassSummary | undefined {
  return c.classes.find((k) => k.class === name);
}

function cellOf(k: ClassSummary | undefined, bucket: string): RateCell {
  if (!k) return { logins: 0, challenged: 0, denied: 0, challengeRate: 0, denyRate: 0, caughtRate: 0 };
  return bucket === 'all' ? k.all : (k.buckets.find((b) => b.bucket === bucket) ?? cellOf(undefined, bucket));
}

function legitCells(c: RateCell): string[] {
  return c.logins === 0 ? ['0', '–', '–'] : [int(c.logins), pct(c.challengeRate), pct(c.denyRate)];
}

function attackCells(c: RateCell): string[] {
  return c.logins === 0 ? ['0', '–', '–'] : [int(c.logins), pct(c.caughtRate), pct(c.denyRate)];
}

function footer(c: ColumnReport): string {
  const errors = Object.entries(c.errors);
  const errorText = errors.length === 0 ? 'no replay errors' : `replay errors: ${errors.map(([reason, n]) => `${reason} ${int(n)}`).join(', ')}`;
  return `${c.name}: ${int(c.rows)} rows in ${(c.durationMs / 1000).toFixed(1)} s (${int(Math.round(c.rowsPerSec))} logins/s); ${int(c.committed)} legit logins committed; ${errorText}`;
}

/** Columns padded to their widest cell; the first left-aligned, the rest right-aligned. */
function grid(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(head), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
