import { describe, expect, it } from 'vitest';
import { historyBucket } from '../../src/evaluate/replay/history-bucket.js';
import { Tally } from '../../src/evaluate/replay/tally.js';
import { TimeShiftError, timeShift } from '../../src/evaluate/replay/time-shift.js';
import { login } from './replay-fixtures.js';

/** The counting behind the report (pure): buckets, classes, what stays out of the rates, the threshold sweep; and the time shift. */

const DAY = 86_400_000;


describe('historyBucket', () => {
  it('puts counts in 0, 1–2, 3–9, 10–29, 30+', () => {
    expect([0, 1, 2, 3, 9, 10, 29, 30, 500].map(historyBucket)).toEqual(['0', '1–2', '1–2', '3–9', '3–9', '10–29', '10–29', '30+', '30+']);
  });
});

describe('Tally', () => {
  it('counts decisions per class and history bucket, leaving failures and void decisions out of the rates', () => {
    const t = new Tally();
    t.add(login('legit', { history: 0, committed: true, codes: { NewDevice: 'initial_login' } }));
    t.add(login('legit', { history: 2, action: 'challenge', score: 0.667, committed: true, codes: { NewDevice: 'no_match' }, reasons: ['no_match'] }));
    t.add(login('legit', { history: 12, action: 'deny', score: 0.667, reasons: ['no_match', 'email_required'] }));
    t.add(login('legit', { history: 12, action: 'challenge', score: 0.6, error: 'history_unavailable' }));
    t.add(login('legit', { action: null, score: null, error: 'refused:invalid_ip_address' }));
    t.add(login('attack:naive', { history: 2, action: 'challenge', score: 0.667 }));
    t.add(login('attack:naive', { history: 40, action: 'allow', score: 0.333 }));
    t.add(login('attack:naive', { kind: 'failure', action: null, score: null }));
    t.add(login('attack:naive', { history: 40, action: 'deny', score: 0, fixed: 'deny', reasons: ['deny_rule:abuse'] }));
    const s = t.summary();

    expect(s).toMatchObject({ rows: 9, counted: 6, failuresRecorded: 1, committed: 2, errors: { history_unavailable: 1, 'refused:invalid_ip_address': 1 } });
    const [legit, naive] = s.classes;
    expect(legit?.class).toBe('legit');
    expect(legit?.buckets.map((b) => [b.bucket, b.logins, b.challenged, b.denied])).toEqual([
      ['0', 1, 0, 0],
      ['1–2', 1, 1, 0],
      ['3–9', 0, 0, 0],
      ['10–29', 1, 0, 1],
      ['30+', 0, 0, 0],
    ]);
    expect(legit?.all).toEqual({ logins: 3, challenged: 1, denied: 1, challengeRate: 1 / 3, denyRate: 1 / 3, caughtRate: 2 / 3 });
    expect(legit?.reasons).toEqual([
      { reason: 'no_match', logins: 2 },
      { reason: 'email_required', logins: 1 },
    ]);
    expect(naive).toMatchObject({ class: 'attack:naive', failures: 1, all: { logins: 3, challenged: 1, denied: 1 } });

    // Sweep: challenge when score ≥ t. Legit scores 0, 0.667, 0.667; naive 0.667, 0.333 and a deny rule.
    const at = (t: number) => s.sweep.find((p) => p.threshold === t)!;
    expect(s.sweep.map((p) => p.threshold)).toEqual([0, 0.333, 0.667, 0.668]);
    expect(at(0)).toEqual({ threshold: 0, friction: 1, caught: { 'attack:naive': 1 } });
    expect(at(0.333)).toEqual({ threshold: 0.333, friction: 2 / 3, caught: { 'attack:naive': 1 } });
    expect(at(0.667)).toEqual({ threshold: 0.667, friction: 2 / 3, caught: { 'attack:naive': 2 / 3 } });
    // Above every score only the deny rule still catches.
    expect(at(0.668)).toEqual({ threshold: 0.668, friction: 0, caught: { 'attack:naive': 1 / 3 } });
  });
});

describe('timeShift', () => {
  const now = Date.UTC(2026, 5, 10, 12);
  it('leaves a log inside the accepted window alone', () => {
    expect(timeShift(now - 100 * DAY, now - DAY, now, 365)).toEqual({ days: 0, reason: null });
  });
  it('moves an old log forward by whole weeks, landing its last login 1 to 8 days ago', () => {
    const max = now - 800 * DAY;
    const s = timeShift(max - 120 * DAY, max, now, 365);
    expect(s.reason).toBe('too_old');
    expect(s.days % 7).toBe(0);
    const last = max + s.days * DAY;
    expect(now - last).toBeGreaterThanOrEqual(DAY);
    expect(now - last).toBeLessThan(8 * DAY);
  });
  it('moves a log from the future back', () => {
    const s = timeShift(now + DAY, now + 30 * DAY, now, 365);
    expect(s).toMatchObject({ reason: 'in_future' });
    expect(s.days).toBeLessThan(0);
    expect(-s.days % 7).toBe(0);
  });
  it('refuses a log longer than the accepted age, saying what to set', () => {
    expect(() => timeShift(now - 500 * DAY, now - DAY, now, 365)).toThrow(TimeShiftError);
    expect(() => timeShift(now - 500 * DAY, now - DAY, now, 365)).toThrow(/VIGIL_MAX_TIMESTAMP_AGE_DAYS=509/);
  });
});
