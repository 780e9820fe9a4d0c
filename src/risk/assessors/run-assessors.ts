import { assessors } from './index.js';
import { ASSESSOR_NAMES, type Assessment, type Assessor, type AssessorInput, type AssessorName } from './types.js';

/** Why an assessor's own answer was replaced by `assessment_not_available`. */
export type AssessorFailure = 'threw' | 'deadline' | 'not_run';

/** How long one assessor ran, by the injected clock, and whether its answer was discarded. */
export interface AssessorTiming {
  durationMs: number;
  failed?: AssessorFailure;
  /** What the assessor threw, for the caller to log; never sent to API clients. */
  error?: unknown;
}

/** Every assessor's answer plus its timing, keyed by assessor name. */
export interface AssessorRun {
  results: Record<AssessorName, Assessment>;
  timings: Record<AssessorName, AssessorTiming>;
}

const notAvailable = (reason: 'error' | 'deadline' | 'not_run'): Assessment => ({
  confidence: 'low',
  code: 'assessment_not_available',
  details: { reason },
});

/**
 * Run each assessor once and catch what goes wrong, so one broken assessor becomes an
 * explained `assessment_not_available` (reason `error` or `deadline`) instead of a 500 or a
 * silent pass (docs/design.md, "Fail closed, by choice"; authentik issue 6169).
 *
 * Assessors are synchronous and cannot be pre-empted: one that runs past `deadlineMs`, as
 * measured by `clock`, finishes and then has its answer discarded. A name missing from `list`
 * gets reason `not_run`, so the result always covers every assessor.
 */
export function runAssessors(
  input: AssessorInput,
  opts: { deadlineMs: number; clock: () => number; list?: readonly Assessor[] },
): AssessorRun {
  const results = {} as Record<AssessorName, Assessment>;
  const timings = {} as Record<AssessorName, AssessorTiming>;

  for (const assessor of opts.list ?? assessors) {
    const start = opts.clock();
    let result: Assessment;
    let failed: AssessorFailure | undefined;
    let error: unknown;
    try {
      result = assessor.assess(input);
    } catch (err) {
      result = notAvailable('error');
      failed = 'threw';
      error = err;
    }
    const durationMs = opts.clock() - start;
    if (failed === undefined && durationMs > opts.deadlineMs) {
      result = notAvailable('deadline');
      failed = 'deadline';
    }
    results[assessor.name] = result;
    timings[assessor.name] =
      failed === undefined ? { durationMs } : failed === 'threw' ? { durationMs, failed, error } : { durationMs, failed };
  }

  for (const name of ASSESSOR_NAMES) {
    if (!(name in results)) {
      results[name] = notAvailable('not_run');
      timings[name] = { durationMs: 0, failed: 'not_run' };
    }
  }
  return { results, timings };
}
