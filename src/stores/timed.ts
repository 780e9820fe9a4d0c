import { withDeadline } from '../platform/deadline.js';

/** Called after every Redis operation, for metrics. */
export type OpObserver = (op: string, seconds: number, ok: boolean) => void;

/**
 * Run one Redis operation and report its duration and outcome to `observe`; with
 * `deadlineMs`, an operation without an answer by then fails with a `DeadlineError`
 * (`withDeadline`, which is not fooled by a late event loop). Operations of the assessment
 * path take none here: the assessment bounds them with its own deadline.
 */
export function timed<T>(observe: OpObserver, op: string, fn: () => Promise<T>, deadlineMs?: number): Promise<T> {
  const start = performance.now();
  const run = deadlineMs === undefined ? fn() : withDeadline(fn(), deadlineMs);
  return run.then(
    (out) => {
      observe(op, (performance.now() - start) / 1000, true);
      return out;
    },
    (err: unknown) => {
      observe(op, (performance.now() - start) / 1000, false);
      throw err;
    },
  );
}
