import type { HistorySnapshot } from './history/snapshot.js';
import type { TrafficCounts } from '../intel/lists/types.js';
import type { HistoryStore, RememberedBrowser } from '../stores/history/history-store.js';
import type { TrafficStore } from '../stores/traffic/traffic-store.js';

/** What an assessment loads before its assessors run. */
export interface LoadedLogin {
  history: HistorySnapshot;
  /** The user's active MFA factor types. */
  mfaFactors: string[];
  /** When a second factor was last proven with `remember_browser` on the login's browser (epoch ms), or null. */
  browserProvenAtMs: number | null;
  /** The IP's counters (and this account's failures from it); null without an IP. */
  traffic: TrafficCounts | null;
}

/**
 * Everything an assessment reads from Redis, in one round trip: the user's hash, MFA summary and,
 * with `browser`, whether it is remembered (one hash tag, one node) and whether the IP has counters (its own tag,
 * perhaps another node), sent in the same turn of the event loop and so in one write per
 * connection. Only an IP with counters costs a second round trip (`TrafficStore.read`). No
 * deadline of its own: the caller's.
 */
export async function loadLogin(
  stores: { history: HistoryStore; traffic: TrafficStore },
  login: { userId: string; ip: string | null; browser: RememberedBrowser | null },
  atMs: number,
): Promise<LoadedLogin> {
  const { userId, ip, browser } = login;
  const [user, traffic] = await Promise.all([stores.history.load(userId, browser), ip === null ? null : stores.traffic.read(ip, userId, atMs)]);
  // A literal, not a spread of `user`: the spread's copy cost ~8k instructions a request (bench:instructions).
  return { history: user.history, mfaFactors: user.mfaFactors, browserProvenAtMs: user.browserProvenAtMs, traffic };
}
