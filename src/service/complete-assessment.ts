import type { Deps } from '../deps.js';
import { VigilError } from '../errors.js';

/**
 * Commit an allowed assessment made with `commit: false`, once. Records of another client are
 * reported as not found, so ids cannot be probed across clients.
 */
export async function completeAssessment(deps: Deps, id: string, clientId: string): Promise<{ assessment_id: string; committed: true }> {
  const claim = await deps.store.claimAssessment(id, clientId).catch((err: unknown) => {
    throw new VigilError('store_unavailable', 'could not reach the history store; retry', { cause: err });
  });
  if (!claim.ok) {
    if (claim.reason === 'missing') throw new VigilError('not_found', `assessment ${id} does not exist or expired (records live 10 minutes)`);
    throw new VigilError('already_completed', `assessment ${id} was already committed`);
  }
  const { record } = claim;
  if (record.action !== 'allow') {
    await deps.store.unclaimAssessment(id).catch(() => {});
    throw new VigilError('not_committable', `assessment ${id} was decided "${record.action}"; only "allow" can be completed`);
  }
  try {
    await deps.store.commit(record);
  } catch (err) {
    deps.metrics.commits.inc({ via: 'complete', result: 'error' });
    await deps.store.unclaimAssessment(id).catch(() => {});
    throw new VigilError('store_unavailable', 'could not commit to the history store; retry', { cause: err });
  }
  deps.metrics.commits.inc({ via: 'complete', result: 'ok' });
  return { assessment_id: id, committed: true };
}
