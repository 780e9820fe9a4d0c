import type { ColumnReport } from './report-data.js';
import type { ClassSummary } from './tally.js';

/** One detection target with default settings (docs/evaluate.md "Targets"). */
export interface Target {
  /** What is measured, as shown. */
  label: string;
  /** `at_least`: a catch rate; `at_most`: legit friction. */
  kind: 'at_least' | 'at_most';
  goal: number;
  /** The measured rate in a column, or null when the log has no such logins. */
  measure(column: ColumnReport): number | null;
}

const catchOf = (kind: string) => (c: ColumnReport) => {
  const k = c.classes.find((x) => x.class === `attack:${kind}`);
  return k && k.all.logins > 0 ? k.all.caughtRate : null;
};

/** Legit logins challenged or denied among those whose history bucket is one of `buckets`. */
const frictionIn = (buckets: readonly string[]) => (c: ColumnReport) => {
  const legit: ClassSummary | undefined = c.classes.find((x) => x.class === 'legit');
  if (!legit) return null;
  let logins = 0;
  let caught = 0;
  for (const b of legit.buckets) {
    if (!buckets.includes(b.bucket)) continue;
    logins += b.logins;
    caught += b.challenged + b.denied;
  }
  return logins === 0 ? null : caught / logins;
};

/** The project's detection targets with default settings (docs/evaluate.md "Targets"). */
export const TARGETS: readonly Target[] = [
  { label: 'naive attacks caught', kind: 'at_least', goal: 0.99, measure: catchOf('naive') },
  { label: 'VPN attacks caught', kind: 'at_least', goal: 0.99, measure: catchOf('vpn') },
  { label: 'stolen-cookie attacks caught', kind: 'at_least', goal: 0.99, measure: catchOf('stolen_cookie') },
  { label: 'credential-stuffing attacks caught', kind: 'at_least', goal: 0.99, measure: catchOf('credential_stuffing') },
  { label: 'targeted attacks caught', kind: 'at_least', goal: 0.95, measure: catchOf('targeted') },
  { label: 'very targeted attacks caught', kind: 'at_least', goal: 0.8, measure: catchOf('very_targeted') },
  { label: 'legit friction, users with 3–9 logins', kind: 'at_most', goal: 0.2, measure: frictionIn(['3–9']) },
  { label: 'legit friction, users with ≥ 10 logins', kind: 'at_most', goal: 0.05, measure: frictionIn(['10–29', '30+']) },
];

/** Whether `value` meets `target`. */
export function meets(target: Target, value: number): boolean {
  return target.kind === 'at_least' ? value >= target.goal : value <= target.goal;
}
