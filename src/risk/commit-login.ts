import type { HistorySnapshot } from './history/snapshot.js';
import type { HistoryStore, LoginToCommit } from '../stores/history/history-store.js';
import type { TrafficStore } from '../stores/traffic/traffic-store.js';

/** What the assessment's load saw, for its commit. */
export interface SeenAtLoad {
  history: HistorySnapshot;
  /** This account's failures from the login's IP (0 without an IP). */
  accountFailures: number;
}

/**
 * Commit a login to its user's history, and reset the account's failures from its IP: a
 * success ends brute-force suspicion for that account and address (docs/ip-intelligence.md,
 * "Traffic reputation"). With `seen` (an assessment committed at once) the merge uses what the load saw
 * (`HistoryStore.commitAssessed`) and the reset is sent only when the load saw failures;
 * without it (`/complete`, the MFA step) the commit script merges and the reset is always sent.
 * Both go out together.
 */
export async function commitLogin(
  stores: { history: HistoryStore; traffic: TrafficStore },
  login: LoginToCommit & { ip: string | null },
  seen?: SeenAtLoad,
): Promise<void> {
  const commit = seen ? stores.history.commitAssessed(login, seen.history) : stores.history.commit(login);
  if (login.ip === null || (seen !== undefined && seen.accountFailures === 0)) return commit;
  await Promise.all([commit, stores.traffic.clearAccountFailures(login.ip, login.userId)]);
}
