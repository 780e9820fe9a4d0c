import type { Config } from '../config.js';
import type { Metrics } from '../platform/metrics/metrics.js';
import { VigilError } from '../errors.js';
import { classifyAssessmentId } from './assessment-id.js';
import { CommitPendingError, commitPending, type CommitPendingResult, type CommitPendingStores } from './commit-pending.js';

/** What completing an assessment needs: the commit's stores, the id's key, the clock, the commit counter. */
export interface CompleteAssessmentDeps extends CommitPendingStores {
  config: Pick<Config, 'deviceSecret'>;
  metrics: Pick<Metrics, 'commits'>;
  now(): number;
}

/**
 * Commit an allowed assessment made with `commit: false`, once. Records of another client are
 * reported as not found, so ids cannot be probed across clients.
 */
export async function completeAssessment(deps: CompleteAssessmentDeps, id: string, clientId: string): Promise<{ assessment_id: string; committed: true }> {
  const kind = classifyAssessmentId(deps.config.deviceSecret, id, clientId, deps.now());
  if (kind === 'unknown') throw notFound(id);
  if (kind === 'committed') throw alreadyCompleted(id);
  if (kind === 'unsaved') {
    throw new VigilError('not_committable', `assessment ${id} was made while Redis did not answer: nothing was saved, so it cannot be completed`);
  }
  let result: CommitPendingResult;
  try {
    result = await commitPending(deps, id, clientId, (record) => record.action === 'allow');
  } catch (err) {
    if (!(err instanceof CommitPendingError)) throw err;
    if (err.step === 'claim') throw new VigilError('store_unavailable', 'could not reach the history store; retry', { cause: err.cause });
    deps.metrics.commits.inc({ via: 'complete', result: 'error' });
    throw new VigilError('store_unavailable', 'could not commit to the history store; retry', { cause: err.cause });
  }
  if (result.outcome === 'missing') throw notFound(id);
  if (result.outcome === 'already_committed') throw alreadyCompleted(id);
  if (result.outcome === 'refused') {
    throw new VigilError('not_committable', `assessment ${id} was decided "${result.record.action}"; only "allow" can be completed`);
  }
  deps.metrics.commits.inc({ via: 'complete', result: 'ok' });
  return { assessment_id: id, committed: true };
}

const notFound = (id: string) => new VigilError('not_found', `assessment ${id} does not exist or expired (records live 10 minutes)`);
const alreadyCompleted = (id: string) => new VigilError('already_completed', `assessment ${id} was already committed`);
