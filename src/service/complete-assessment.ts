import type { Deps } from '../deps.js';
import { VigilError } from '../errors.js';
import { classifyAssessmentId } from './assessment-id.js';
import { commitLogin } from './commit-login.js';

/**
 * Commit an allowed assessment made with `commit: false`, once. Records of another client are
 * reported as not found, so ids cannot be probed across clients.
 */
export async function completeAssessment(deps: Deps, id: string, clientId: string): Promise<{ assessment_id: string; committed: true }> {
  const kind = classifyAssessmentId(deps.config.deviceSecret, id, clientId, deps.now());
  if (kind === 'unknown') throw notFound(id);
  if (kind === 'committed') throw alreadyCompleted(id);
  const claim = await deps.pending.claim(id, clientId).catch((err: unknown) => {
    throw new VigilError('store_unavailable', 'could not reach the history store; retry', { cause: err });
  });
  if (!claim.ok) {
    throw claim.reason === 'missing' ? notFound(id) : alreadyCompleted(id);
  }
  const { record } = claim;
  if (record.action !== 'allow') {
    await deps.pending.unclaim(id).catch(() => {});
    throw new VigilError('not_committable', `assessment ${id} was decided "${record.action}"; only "allow" can be completed`);
  }
  try {
    await commitLogin(deps, record);
  } catch (err) {
    deps.metrics.commits.inc({ via: 'complete', result: 'error' });
    await deps.pending.unclaim(id).catch(() => {});
    throw new VigilError('store_unavailable', 'could not commit to the history store; retry', { cause: err });
  }
  deps.metrics.commits.inc({ via: 'complete', result: 'ok' });
  return { assessment_id: id, committed: true };
}

const notFound = (id: string) => new VigilError('not_found', `assessment ${id} does not exist or expired (records live 10 minutes)`);
const alreadyCompleted = (id: string) => new VigilError('already_completed', `assessment ${id} was already committed`);
