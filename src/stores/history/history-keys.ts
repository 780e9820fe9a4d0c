import { userTag } from '../hash-tags.js';

/** The history store's keys. */
export interface HistoryKeys {
  /** One hash per user: devices, user-agent families, last location, first and last login. */
  user(userId: string): string;
}

export function historyKeys(prefix: string): HistoryKeys {
  return { user: (userId) => `${prefix}${userTag(userId)}` };
}
