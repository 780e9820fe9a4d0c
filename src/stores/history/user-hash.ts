import type { HistoryEntry, HistorySnapshot, LastLocation } from '../../risk/history/snapshot.js';
import type { ProfileLimits } from '../../risk/familiarity/commit-login.js';
import { learnLogin } from '../../risk/familiarity/learn-login.js';
import type { PlaceLimits } from '../../risk/familiarity/places.js';
import { decodeFamiliarity, familiarityFieldIndex, joinFamiliarity, type Familiarity } from './familiarity-blob.js';

/**
 * The user hash's format (fields in `commit-login-1.lua`) and the arithmetic the history store
 * does over a loaded snapshot, kept pure so it is tested without Redis.
 */

const SEC = 1000;

/** The history store's limits, from config (`historyLimits` in src/compose.ts). */
export interface HistoryLimits {
  deviceTrustDays: number;
  historyRetentionDays: number;
  maxDevices: number;
  maxUserAgents: number;
  /** Bounds of the familiarity profile and familiar places (docs/risk-model.md §3). */
  familiarity: ProfileLimits & PlaceLimits;
}

/** Fields of the user hash besides devices, user agents and the familiarity's: `k`, `l`, `loc`. */
export const FIXED_FIELDS = 3;

/**
 * Whether `entry` is at least as late as everything the snapshot holds, so that writing its
 * fields as they are merges it as COMMIT_LOGIN would (which keeps the later of two times).
 * Logins arrive in time order except for back-fills with a client-set timestamp; those take
 * the script. Two commits racing for one user can still both pass on the same snapshot: the
 * later write wins, and the times they leave differ by the race, milliseconds.
 */
export function isLatest(history: HistorySnapshot, entry: HistoryEntry): boolean {
  const atMs = Math.floor(entry.atMs / SEC) * SEC;
  if (history.lastLoginMs !== null && atMs < history.lastLoginMs) return false;
  const device = entry.deviceHash === null ? undefined : history.devices.get(entry.deviceHash);
  const ua = entry.uaFamily === null ? undefined : history.userAgents.get(entry.uaFamily);
  return (device === undefined || atMs >= device) && (ua === undefined || atMs >= ua);
}

/** Whether merging `entry` adds a device or user-agent field that the snapshot did not hold. */
export function addsField(history: HistorySnapshot, e: HistoryEntry): boolean {
  return (e.deviceHash !== null && !history.devices.has(e.deviceHash)) || (e.uaFamily !== null && !history.userAgents.has(e.uaFamily));
}

/**
 * The HSET field/value pairs that merge `entry` into a hash the snapshot showed, with the
 * familiarity's fields (`familiarityFields`) after them; see COMMIT_LOGIN for the fields.
 */
export function mergeFields(history: HistorySnapshot, e: HistoryEntry, familiarity: readonly string[]): (string | number)[] {
  const at = Math.floor(e.atMs / SEC);
  const fields: (string | number)[] = history.known ? ['l', at] : ['k', at, 'l', at];
  if (e.location) fields.push('loc', encodeLocation(e.location));
  if (e.deviceHash !== null) fields.push(`d:${e.deviceHash}`, at);
  if (e.uaFamily !== null) fields.push(`a:${e.uaFamily}`, at);
  for (const f of familiarity) fields.push(f);
  return fields;
}

/**
 * Whether committing `entry` over the loaded `history` may leave an entry past the trust
 * window or a kind over its cap, so COMMIT_LOGIN must trim. Same arithmetic as the script's
 * (seconds there, ms here): the window ends at the later of the last login and this one.
 */
export function mayNeedTrim(
  history: HistorySnapshot,
  entry: HistoryEntry,
  limits: Pick<HistoryLimits, 'deviceTrustDays' | 'maxDevices' | 'maxUserAgents'>,
): boolean {
  const cutoffMs = Math.max(history.lastLoginMs ?? 0, entry.atMs) - limits.deviceTrustDays * 86_400 * SEC;
  const over = (seen: ReadonlyMap<string, number>, key: string | null, max: number) => {
    if (seen.size + (key !== null && !seen.has(key) ? 1 : 0) > max) return true;
    for (const at of seen.values()) if (at < cutoffMs) return true;
    return false;
  };
  return over(history.devices, entry.deviceHash, limits.maxDevices) || over(history.userAgents, entry.uaFamily, limits.maxUserAgents);
}

/** `lat|lon|acc|at|country|city`; `|` is stripped from names so the format cannot break. */
export function encodeLocation(l: LastLocation): string {
  const clean = (s: string | null) => (s ?? '').replaceAll('|', ' ');
  return [l.lat.toFixed(4), l.lon.toFixed(4), l.accuracyKm ?? '', Math.floor(l.atMs / SEC), clean(l.country), clean(l.city)].join('|');
}

export function decodeLocation(s: string | undefined): LastLocation | null {
  if (!s) return null;
  const [lat, lon, acc, at, country, city] = s.split('|');
  const latN = Number(lat);
  const lonN = Number(lon);
  if (!Number.isFinite(latN) || !Number.isFinite(lonN)) return null;
  return {
    lat: latN,
    lon: lonN,
    accuracyKm: acc ? Number(acc) : null,
    atMs: Number(at) * SEC,
    country: country || null,
    city: city || null,
  };
}

/**
 * Turn the user hash, as HGETALL's flat `[field, value, ...]` reply, into a snapshot, the
 * familiarity decoded from its fields. An empty hash (never seen, or expired) is not `known`.
 */
export function parseUserHash(flat: readonly string[]): HistorySnapshot {
  const devices = new Map<string, number>();
  const userAgents = new Map<string, number>();
  const familiarity: string[] = [];
  let first: string | undefined;
  let last: string | undefined;
  let loc: string | undefined;
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const field = flat[i]!;
    const value = flat[i + 1]!;
    if (field.startsWith('d:')) devices.set(field.slice(2), Number(value) * SEC);
    else if (field.startsWith('a:')) userAgents.set(field.slice(2), Number(value) * SEC);
    else if (field === 'k') first = value;
    else if (field === 'l') last = value;
    else if (field === 'loc') loc = value;
    else {
      const at = familiarityFieldIndex(field);
      if (at >= 0) familiarity[at] = value;
    }
  }
  const { profile, places } = decodeFamiliarity(joinFamiliarity(familiarity));
  return {
    known: first !== undefined,
    devices,
    userAgents,
    lastLocation: decodeLocation(loc),
    lastLoginMs: last ? Number(last) * SEC : null,
    profile,
    places,
  };
}

/** The user's familiarity after committing `entry` over what `known` held: written in the commit's one write. */
export function learnedFamiliarity(known: Familiarity, entry: HistoryEntry, limits: HistoryLimits['familiarity']): Familiarity {
  return learnLogin(known, { features: entry.features, place: entry.location, atMs: entry.atMs }, limits);
}
