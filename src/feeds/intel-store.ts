import type { Redis } from 'ioredis';
import type { Keys } from '../history/keys.js';
import type { ManualEntry } from '../intel/intel.js';
import { MANUAL_SOURCE } from '../intel/types.js';
import { EDIT_MANUAL, RECORD_REFRESH } from './scripts.js';

/** What Redis knows about one source: shared by every instance, written by the refresh job. */
export interface SourceState {
  /** The current version; 0 when none was ever stored. */
  version: number;
  /** Networks in the current version, after dropping duplicates and nested blocks. */
  size: number;
  /** Malformed lines skipped in the current version. */
  skipped: number;
  /** SHA-256 of the fetched bytes of the current version, to skip unchanged content. */
  sha256: string | null;
  /** When the current version was stored. */
  changedAtMs: number | null;
  /** The last fetch that succeeded, changed or not. */
  refreshedAtMs: number | null;
  /** The last error, kept after recovery so an admin can see what happened. */
  error: string | null;
  errorAtMs: number | null;
  /** Failed fetches since the last success. */
  failures: number;
}

export type RefreshOutcome = 'updated' | 'unchanged' | 'failed';

const EMPTY_STATE: SourceState = {
  version: 0,
  size: 0,
  skipped: 0,
  sha256: null,
  changedAtMs: null,
  refreshedAtMs: null,
  error: null,
  errorAtMs: null,
  failures: 0,
};

interface Scripts {
  vigilRecordRefresh(sources: string, set: string, name: string, patch: string, outcome: RefreshOutcome, data: Buffer | ''): Promise<number>;
  vigilEditManual(sources: string, manual: string, op: 'add' | 'remove', network: string, entry: string, nowMs: number, name: string): Promise<number>;
  vigilReadManual(sources: string, manual: string, name: string): Promise<[string | null, string[]]>;
}

function parseState(json: string): SourceState {
  try {
    return { ...EMPTY_STATE, ...(JSON.parse(json) as Partial<SourceState>) };
  } catch {
    return EMPTY_STATE;
  }
}

/**
 * The shared IP-list state in Redis: per-source state, the compiled set of each source's
 * current version, and the manual entries. Uses its own connection, so moving a list of
 * megabytes never queues behind (or ahead of) the assessments' one-round-trip loads.
 */
export class IntelStore {
  private readonly redis: Redis & Scripts;

  constructor(
    redis: Redis,
    private readonly keys: Keys,
  ) {
    redis.defineCommand('vigilRecordRefresh', { numberOfKeys: 2, lua: RECORD_REFRESH });
    redis.defineCommand('vigilEditManual', { numberOfKeys: 2, lua: EDIT_MANUAL });
    redis.defineCommand('vigilReadManual', {
      numberOfKeys: 2,
      readOnly: true,
      lua: "return { redis.call('HGET', KEYS[1], ARGV[1]), redis.call('HGETALL', KEYS[2]) }",
    });
    this.redis = redis as Redis & Scripts;
  }

  /** Every source's state (the manual entries' under `manual`), by name. */
  async states(): Promise<Map<string, SourceState>> {
    const all = await this.redis.hgetall(this.keys.intelSources);
    return new Map(Object.entries(all).map(([name, json]) => [name, parseState(json)]));
  }

  /** One source's state; a source never stored has version 0. */
  async state(name: string): Promise<SourceState> {
    const json = await this.redis.hget(this.keys.intelSources, name);
    return json === null ? EMPTY_STATE : parseState(json);
  }

  /** The current version of a source and its networks (`IpSet.encode`d), or null when none was stored. */
  async readSet(name: string): Promise<{ version: number; data: Buffer } | null> {
    const [version, data] = await this.redis.hmgetBuffer(this.keys.intelSet(name), 'version', 'data');
    if (!version || !data) return null;
    return { version: Number(version.toString()), data };
  }

  /**
   * Record a refresh: `updated` stores its encoded set as the next version; `unchanged` and `failed`
   * only update the state. Returns the version now current.
   */
  async recordRefresh(
    name: string,
    patch: Partial<SourceState>,
    result: { outcome: 'updated'; data: Uint8Array } | { outcome: 'unchanged' | 'failed' },
  ): Promise<number> {
    const data = result.outcome === 'updated' ? Buffer.from(result.data.buffer, result.data.byteOffset, result.data.byteLength) : '';
    return this.redis.vigilRecordRefresh(this.keys.intelSources, this.keys.intelSet(name), name, JSON.stringify(patch), result.outcome, data);
  }

  /** The manual entries and the version they make, read together. */
  async manual(): Promise<{ version: number; entries: ManualEntry[] }> {
    // One script, not MULTI: ioredis leaves the queued commands of a MULTI whose connection
    // fails with rejections nobody awaits (seen as unhandled ECONNREFUSED while Redis restarts).
    const [state, flat] = await this.redis.vigilReadManual(this.keys.intelSources, this.keys.intelManual, MANUAL_SOURCE);
    const parsed: ManualEntry[] = [];
    for (let i = 1; i < flat.length; i += 2) {
      const json = flat[i]!;
      try {
        parsed.push(JSON.parse(json) as ManualEntry);
      } catch {
        // A corrupt entry is purged by the next edit; it must not block the rest.
      }
    }
    return { version: state ? parseState(state).version : 0, entries: parsed };
  }

  /** Add (or replace) a manual entry. */
  async addManual(entry: ManualEntry, nowMs: number): Promise<void> {
    // The expiry last: the edit script reads it from the end of the JSON (src/feeds/scripts.ts).
    const { expiresAtMs, ...rest } = entry;
    const json = JSON.stringify({ ...rest, expiresAtMs });
    await this.redis.vigilEditManual(this.keys.intelSources, this.keys.intelManual, 'add', entry.network, json, nowMs, MANUAL_SOURCE);
  }

  /** Remove a manual entry; false when there was none for `network`. */
  async removeManual(network: string, nowMs: number): Promise<boolean> {
    return (await this.redis.vigilEditManual(this.keys.intelSources, this.keys.intelManual, 'remove', network, '', nowMs, MANUAL_SOURCE)) === 1;
  }
}
