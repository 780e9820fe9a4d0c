import { HISTORY_BUCKETS, historyBucket, type HistoryBucket } from './history-bucket.js';
import type { ReplayedLogin } from './runner.js';

/** Logins of one class in one history bucket (or all buckets), and what was decided. */
export interface RateCell {
  logins: number;
  challenged: number;
  denied: number;
  /** challenged / logins (0 without logins). */
  challengeRate: number;
  /** denied / logins. */
  denyRate: number;
  /** (challenged + denied) / logins: friction for legit logins, the catch rate for attacks. */
  caughtRate: number;
}

/**
 * Scores of one class, for the threshold sweep: how many logins each score had among those the
 * score decides, and how many a threshold cannot move (`ReplayedLogin.fixed`).
 */
export interface ScoreHistogram {
  fixed: { deny: number; challenge: number; allow: number };
  /** `[score, logins]`, ascending by score. */
  scores: [number, number][];
}

/** One class: `legit` or `attack:<kind>`. */
export interface ClassSummary {
  class: string;
  all: RateCell;
  buckets: ({ bucket: HistoryBucket } & RateCell)[];
  /** `Assessor:code` → logins, most frequent first. */
  codes: { code: string; logins: number }[];
  /** Decision reasons → logins, most frequent first (a login may have several). */
  reasons: { reason: string; logins: number }[];
  /** `outcome: failure` rows of this class, recorded as `login_failed` events (not in the rates). */
  failures: number;
  sweep: ScoreHistogram;
}

/** A point of the threshold sweep: "challenge when score ≥ threshold". */
export interface SweepPoint {
  threshold: number;
  /** Legit logins challenged or denied. */
  friction: number;
  /** Per attack class (`attack:<kind>`): attempts challenged or denied. */
  caught: Record<string, number>;
}

/** Everything one column counted. */
export interface TallySummary {
  /** Rows replayed: assessed logins and failure events, errors included. */
  rows: number;
  /** Rows counted in the rates (assessed, without a replay error that voids the decision). */
  counted: number;
  failuresRecorded: number;
  /** Legit logins committed to history. */
  committed: number;
  /** Replay errors by reason (see `ReplayedLogin.error`). */
  errors: Record<string, number>;
  classes: ClassSummary[];
  sweep: SweepPoint[];
}

interface Counts {
  logins: number;
  challenged: number;
  denied: number;
}

interface ClassCounts {
  all: Counts;
  buckets: Map<HistoryBucket, Counts>;
  codes: Map<string, number>;
  reasons: Map<string, number>;
  failures: number;
  fixed: { deny: number; challenge: number; allow: number };
  scores: Map<number, number>;
}

const newCounts = (): Counts => ({ logins: 0, challenged: 0, denied: 0 });

/**
 * Counts of one replay column, fed one login at a time in any order (`add`), summarised at the
 * end (`summary`). Pure: nothing but counting.
 */
export class Tally {
  private readonly classes = new Map<string, ClassCounts>();
  private rows = 0;
  private counted = 0;
  private failuresRecorded = 0;
  private committed = 0;
  private readonly errors = new Map<string, number>();

  add(login: ReplayedLogin): void {
    this.rows++;
    const c = this.classOf(login.row.label);
    if (login.error !== null) bump(this.errors, login.error.startsWith('failed:') ? 'failed' : login.error);
    if (login.kind === 'failure') {
      if (login.error === null) {
        c.failures++;
        this.failuresRecorded++;
      }
      return;
    }
    // Without history the decision is the fail-closed one, not the configuration's; a refused
    // or failed row has none.
    if (login.action === null || login.error === 'history_unavailable') return;
    this.counted++;
    if (login.committed) this.committed++;
    const bucket = historyBucket(login.history);
    let cell = c.buckets.get(bucket);
    if (!cell) c.buckets.set(bucket, (cell = newCounts()));
    for (const counts of [c.all, cell]) {
      counts.logins++;
      if (login.action === 'challenge') counts.challenged++;
      if (login.action === 'deny') counts.denied++;
    }
    for (const [assessor, code] of Object.entries(login.codes)) bump(c.codes, `${assessor}:${code}`);
    for (const reason of login.reasons) bump(c.reasons, reason);
    if (login.fixed !== null) c.fixed[login.fixed]++;
    else if (login.score !== null) bump(c.scores, login.score);
  }

  summary(): TallySummary {
    const names = [...this.classes.keys()].sort((a, b) => (a === 'legit' ? -1 : b === 'legit' ? 1 : a < b ? -1 : a > b ? 1 : 0));
    const classes = names.map((name) => summarise(name, this.classes.get(name)!));
    return {
      rows: this.rows,
      counted: this.counted,
      failuresRecorded: this.failuresRecorded,
      committed: this.committed,
      errors: Object.fromEntries([...this.errors].sort((a, b) => b[1] - a[1])),
      classes,
      sweep: sweep(classes),
    };
  }

  private classOf(label: string): ClassCounts {
    let c = this.classes.get(label);
    if (!c) {
      c = { all: newCounts(), buckets: new Map(), codes: new Map(), reasons: new Map(), failures: 0, fixed: { deny: 0, challenge: 0, allow: 0 }, scores: new Map() };
      this.classes.set(label, c);
    }
    return c;
  }
}

function bump<K>(m: Map<K, number>, key: K): void {
  m.set(key, (m.get(key) ?? 0) + 1);
}

function rateCell(c: Counts): RateCell {
  const rate = (n: number) => (c.logins === 0 ? 0 : n / c.logins);
  return { ...c, challengeRate: rate(c.challenged), denyRate: rate(c.denied), caughtRate: rate(c.challenged + c.denied) };
}

function summarise(name: string, c: ClassCounts): ClassSummary {
  const byCount = <K>(m: Map<K, number>) => [...m].sort((a, b) => b[1] - a[1] || String(a[0]).localeCompare(String(b[0])));
  return {
    class: name,
    all: rateCell(c.all),
    buckets: HISTORY_BUCKETS.map((bucket) => ({ bucket, ...rateCell(c.buckets.get(bucket) ?? newCounts()) })),
    codes: byCount(c.codes).map(([code, logins]) => ({ code, logins })),
    reasons: byCount(c.reasons).map(([reason, logins]) => ({ reason, logins })),
    failures: c.failures,
    sweep: { fixed: { ...c.fixed }, scores: [...c.scores].sort((a, b) => a[0] - b[0]) },
  };
}

/** Share of a class caught when "challenge if score ≥ t", for `t` from every score seen to one above them all. */
export function caughtAt(h: ScoreHistogram, logins: number, threshold: number): number {
  if (logins === 0) return 0;
  let caught = h.fixed.deny + h.fixed.challenge;
  for (const [score, n] of h.scores) if (score >= threshold) caught += n;
  return caught / logins;
}

function sweep(classes: readonly ClassSummary[]): SweepPoint[] {
  const legit = classes.find((c) => c.class === 'legit');
  const attacks = classes.filter((c) => c.class !== 'legit');
  const thresholds = new Set<number>([0]);
  for (const c of classes) for (const [score] of c.sweep.scores) thresholds.add(score);
  // Above every score: only what a threshold cannot move is caught.
  const top = Math.max(...thresholds) + 0.001;
  thresholds.add(Math.round(top * 1000) / 1000);
  return [...thresholds]
    .sort((a, b) => a - b)
    .map((threshold) => ({
      threshold,
      friction: legit ? caughtAt(legit.sweep, legit.all.logins, threshold) : 0,
      caught: Object.fromEntries(attacks.map((a) => [a.class, caughtAt(a.sweep, a.all.logins, threshold)])),
    }));
}
