import type { HistoryStore } from '../stores/history/history-store.js';
import type { AssessmentRecord, PendingAssessments } from '../stores/pending/pending-assessments.js';
import type { TrafficStore } from '../stores/traffic/traffic-store.js';
import { commitLogin } from './commit-login.js';
import type { PopulationCounts } from './familiarity/population-counts.js';

/** What committing a pending assessment came to; Redis faults are thrown as {@link CommitPendingError}. */
export type CommitPendingResult =
  | { outcome: 'committed'; record: AssessmentRecord }
  /** No record of this client under that id (never made, expired, or another client's). */
  | { outcome: 'missing' }
  /** Claimed by an earlier commit. */
  | { outcome: 'already_committed' }
  /** `accept` turned the record down; the claim was released. */
  | { outcome: 'refused'; record: AssessmentRecord };

/** A Redis fault while committing: `step` says whether the claim or the commit failed (a failed commit's claim is released). */
export class CommitPendingError extends Error {
  override readonly name = 'CommitPendingError';
  constructor(
    readonly step: 'claim' | 'commit',
    cause: unknown,
  ) {
    super(`${step} failed: ${(cause as Error)?.message ?? String(cause)}`, { cause });
  }
}

/** The stores a pending assessment is committed through, and the population it counts in. */
export interface CommitPendingStores {
  pending: Pick<PendingAssessments, 'claim' | 'unclaim'>;
  history: HistoryStore;
  traffic: TrafficStore;
  population: Pick<PopulationCounts, 'record'>;
}

/**
 * Commit a pending assessment to its user's history exactly once: claim the record (a second
 * claim fails), commit it, and release the claim when the commit fails so the caller may retry.
 * A committed login also counts in the population (the familiarity model's attacker).
 * The one protocol behind `POST /v1/assessments/{id}/complete`
 * (`src/risk/complete-assessment.ts`), a successful MFA step (`src/mfa/finish.ts`)
 * and the replay's challenged legit logins (`src/evaluate/replay/runner.ts`).
 */
export async function commitPending(
  stores: CommitPendingStores,
  id: string,
  clientId: string,
  accept: (record: AssessmentRecord) => boolean = () => true,
): Promise<CommitPendingResult> {
  let claim: Awaited<ReturnType<PendingAssessments['claim']>>;
  try {
    claim = await stores.pending.claim(id, clientId);
  } catch (err) {
    throw new CommitPendingError('claim', err);
  }
  if (!claim.ok) return { outcome: claim.reason };
  const { record } = claim;
  if (!accept(record)) {
    await stores.pending.unclaim(id).catch(() => {});
    return { outcome: 'refused', record };
  }
  try {
    await commitLogin(stores, record);
  } catch (err) {
    await stores.pending.unclaim(id).catch(() => {});
    throw new CommitPendingError('commit', err);
  }
  stores.population.record(record.entry.features);
  return { outcome: 'committed', record };
}
