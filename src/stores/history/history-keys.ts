import { userTag } from '../hash-tags.js';

/** The history store's keys. */
export interface HistoryKeys {
  /** One hash per user: devices, user-agent families, last location, first and last login. */
  user(userId: string): string;
  /**
   * The user's familiarity profile and familiar places, one binary string beside the hash
   * (`familiarity-blob.ts`): as a field it would be longer than Redis keeps in a compact
   * listpack (64 bytes by default) and turn every user's hash into a hash table.
   */
  familiarity(userId: string): string;
}

export function historyKeys(prefix: string): HistoryKeys {
  return { user: (userId) => `${prefix}${userTag(userId)}`, familiarity: (userId) => `${prefix}${userTag(userId)}:fam` };
}
