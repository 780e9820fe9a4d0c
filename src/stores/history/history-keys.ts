import { userTag } from '../hash-tags.js';

/** The history store's keys. */
export interface HistoryKeys {
  /** One hash per user: devices, user-agent families, last location, first and last login, familiarity. */
  user(userId: string): string;
  /**
   * The familiarity string an earlier version kept beside the hash (profiles of its format read
   * as none now): only erased, and expiring with the retention period.
   */
  legacyFamiliarity(userId: string): string;
}

export function historyKeys(prefix: string): HistoryKeys {
  return { user: (userId) => `${prefix}${userTag(userId)}`, legacyFamiliarity: (userId) => `${prefix}${userTag(userId)}:fam` };
}
