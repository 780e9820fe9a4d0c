import type { Config } from '../config.js';
import { FEATURES } from './familiarity/features.js';
import type { HistoryPart, HistoryStore } from '../stores/history/history-store.js';
import { withDeadline } from '../platform/deadline.js';
import { storeCall } from '../platform/store-call.js';

/** What an operator may see of a user's risk history: counts and coarse facts, no hashes. */
export interface UserHistoryView {
  user_id: string;
  known: boolean;
  last_login: string | null;
  devices: { count: number; last_seen: string | null };
  user_agents: { family: string; last_seen: string }[];
  last_location: { country: string | null; city: string | null; at: string } | null;
  /** The familiarity profile as counts: values per feature, the raw countries, familiar places. */
  familiarity: { logins: number; values: Record<string, number>; countries: string[]; places: number };
}

/** What the history admin reads and clears. */
export interface AdminHistoryDeps {
  history: Pick<HistoryStore, 'load' | 'eraseUser' | 'clearHistory'>;
  config: Pick<Config, 'redis'>;
}

const iso = (ms: number) => new Date(ms).toISOString();

export async function viewUserHistory(deps: AdminHistoryDeps, userId: string): Promise<UserHistoryView> {
  const { history } = await storeCall('the history store', () => withDeadline(deps.history.load(userId, null), deps.config.redis.timeoutMs));
  const deviceTimes = [...history.devices.values()];
  return {
    user_id: userId,
    known: history.known,
    last_login: history.lastLoginMs === null ? null : iso(history.lastLoginMs),
    devices: { count: deviceTimes.length, last_seen: deviceTimes.length ? iso(Math.max(...deviceTimes)) : null },
    user_agents: [...history.userAgents].map(([family, at]) => ({ family, last_seen: iso(at) })),
    last_location: history.lastLocation && {
      country: history.lastLocation.country,
      city: history.lastLocation.city,
      at: iso(history.lastLocation.atMs),
    },
    familiarity: {
      logins: history.profile.logins,
      values: Object.fromEntries(FEATURES.map((f) => [f, history.profile.values[f].length])),
      countries: history.profile.values.country.map((v) => v.key),
      places: history.places.length,
    },
  };
}

/** Assessors whose learning an admin can clear, and the history part each learns from. */
export const CLEARABLE = ['NewDevice', 'ImpossibleTravel', 'Familiarity'] as const;
const PART_OF: Record<(typeof CLEARABLE)[number], HistoryPart> = { NewDevice: 'devices', ImpossibleTravel: 'location', Familiarity: 'familiarity' };

/**
 * Clear what one assessor learned about a user (`NewDevice`: devices and user agents;
 * `ImpossibleTravel`: the last location and the familiar places; `Familiarity`: the profile),
 * or, with no assessor, erase the user's history (all of it: docs/privacy.md).
 */
export async function clearUserHistory(
  deps: Pick<AdminHistoryDeps, 'history'>,
  userId: string,
  assessor: (typeof CLEARABLE)[number] | undefined,
): Promise<{ user_id: string; cleared: string }> {
  if (assessor === undefined) {
    await storeCall('the history store', () => deps.history.eraseUser(userId));
    return { user_id: userId, cleared: 'all' };
  }
  await storeCall('the history store', () => deps.history.clearHistory(userId, PART_OF[assessor]));
  return { user_id: userId, cleared: assessor };
}
