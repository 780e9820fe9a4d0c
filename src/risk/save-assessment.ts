import type { Config } from '../config.js';
import type { Metrics } from '../platform/metrics/metrics.js';
import type { HistoryStore } from '../stores/history/history-store.js';
import type { AssessmentRecord, PendingAssessments } from '../stores/pending/pending-assessments.js';
import type { TrafficStore } from '../stores/traffic/traffic-store.js';
import type { PopulationCounts } from './familiarity/population-counts.js';
import { committedAssessmentId } from './assessment-id.js';
import type { Caller } from '../caller.js';
import { commitLogin, type SeenAtLoad } from './commit-login.js';
import { withDeadline } from '../platform/deadline.js';

/** The id the answer carries, and whether the login reached history. */
export interface SavedAssessment {
  id: string;
  committed: boolean;
}

/** What saving an assessment writes to and counts in. */
export interface SaveAssessmentDeps {
  config: Pick<Config, 'deviceSecret'>;
  history: HistoryStore;
  traffic: TrafficStore;
  pending: Pick<PendingAssessments, 'save'>;
  population: Pick<PopulationCounts, 'record'>;
  metrics: Pick<Metrics, 'commits'>;
  now(): number;
}

/**
 * Commit an allowed login at once (`commit`), or keep the record for a later commit
 * (`/complete`, the MFA step), within what is left of the assessment's deadline.
 *
 * A commit that misses the deadline is not lost: a write pause (a failover) holds it, it does
 * not refuse it. The answer says `committed: false`, and the record is saved behind the commit
 * on the same connection under the id the answer gives, so `/complete` can commit it once Redis
 * takes writes again; committing a login twice merges the same entry twice, which changes
 * nothing but the familiarity profile's counts of its values, one login more
 * (docs/operations.md, "11. A fail-closed challenge could not be completed").
 */
export async function saveAssessment(
  deps: SaveAssessmentDeps,
  caller: Caller,
  record: AssessmentRecord,
  opts: { commit: boolean; seen: SeenAtLoad; deadlineAt: number },
): Promise<SavedAssessment> {
  const budgetMs = Math.max(opts.deadlineAt - deps.now(), 10);
  if (opts.commit) {
    try {
      await withDeadline(commitLogin(deps, record, opts.seen), budgetMs);
      deps.metrics.commits.inc({ via: 'assess', result: 'ok' });
      deps.population.record(record.entry.features);
      // Nothing is stored for it: the id itself tells `/complete` it was committed.
      return { id: committedAssessmentId(deps.config.deviceSecret, record.clientId, record.createdAtMs), committed: true };
    } catch (err) {
      deps.metrics.commits.inc({ via: 'assess', result: 'error' });
      caller.log.warn({ err: (err as Error).message, assessment: record.id }, 'could not commit assessment; saved for /complete');
      deps.pending.save(record).catch((e: unknown) => caller.log.warn({ err: (e as Error).message, assessment: record.id }, 'could not save assessment'));
      return { id: record.id, committed: false };
    }
  }
  try {
    await withDeadline(deps.pending.save(record), budgetMs);
  } catch (err) {
    // Late is not lost: the save may still land, and the id then finds it.
    caller.log.warn({ err: (err as Error).message, assessment: record.id }, 'could not save assessment');
  }
  return { id: record.id, committed: false };
}
