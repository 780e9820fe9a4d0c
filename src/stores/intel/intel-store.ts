import { EMPTY_STATE, type RefreshOutcome, type SourceState } from '../../intel/lists/source-state.js';
import type { ManualEntry } from '../../intel/lists/intel.js';
import { MANUAL_SOURCE } from '../../intel/lists/types.js';
import { luaScript } from '../../platform/redis/lua-script.js';
import type { RedisPort } from '../../platform/redis/redis-port.js';
import { withDeadline } from '../../platform/deadline.js';
import type { IntelKeys } from './intel-keys.js';

const RECORD_REFRESH = luaScript(new URL('./record-refresh-2.lua', import.meta.url));
const EDIT_MANUAL = luaScript(new URL('./edit-manual-2.lua', import.meta.url));
const READ_MANUAL = luaScript(new URL('./read-manual-2.lua', import.meta.url));

function parseState(json: string): SourceState {
  try {
    return { ...EMPTY_STATE, ...(JSON.parse(json) as Partial<SourceState>) };
  } catch {
    return { ...EMPTY_STATE };
  }
}

/**
 * The shared IP-list state in Redis: per-source state, the compiled set of each source's
 * current version, and the manual entries, all under the `{intel}` tag. On the background
 * connection, so moving a list of megabytes never queues behind (or ahead of) the
 * assessments' loads; every call fails after `timeoutMs` (default 10 s: a list of megabytes
 * takes a while to move).
 */
export class IntelStore {
  constructor(
    private readonly redis: RedisPort,
    private readonly keys: IntelKeys,
    private readonly timeoutMs = 10_000,
  ) {}

  /** Every source's state (the manual entries' under `manual`), by name. */
  async states(): Promise<Map<string, SourceState>> {
    const flat = await this.call(this.redis.hgetall(this.keys.sources));
    const states = new Map<string, SourceState>();
    for (let i = 0; i + 1 < flat.length; i += 2) states.set(flat[i]!, parseState(flat[i + 1]!));
    return states;
  }

  /** One source's state; a source never stored has version 0. */
  async state(name: string): Promise<SourceState> {
    const json = await this.call(this.redis.hget(this.keys.sources, name));
    return json === null ? { ...EMPTY_STATE } : parseState(json);
  }

  /** The current version of a source and its networks (`IpSet.encode`d), or null when none was stored. */
  async readSet(name: string): Promise<{ version: number; data: Buffer } | null> {
    const [version, data] = await this.call(this.redis.hmgetBuffer(this.keys.set(name), ['version', 'data']));
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
    const outcome: RefreshOutcome = result.outcome;
    return (await this.call(this.redis.runScript(RECORD_REFRESH, [this.keys.sources, this.keys.set(name)], [name, JSON.stringify(patch), outcome, data]))) as number;
  }

  /** The manual entries and the version they make, read together. */
  async manual(): Promise<{ version: number; entries: ManualEntry[] }> {
    const [state, flat] = (await this.call(this.redis.runScript(READ_MANUAL, [this.keys.sources, this.keys.manual], [MANUAL_SOURCE]))) as [string | null, string[]];
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
    // The expiry last: the edit script reads it from the end of the JSON (edit-manual-2.lua).
    const { expiresAtMs, ...rest } = entry;
    const json = JSON.stringify({ ...rest, expiresAtMs });
    await this.call(this.redis.runScript(EDIT_MANUAL, [this.keys.sources, this.keys.manual], ['add', entry.network, json, nowMs, MANUAL_SOURCE]));
  }

  /** Remove a manual entry; false when there was none for `network`. */
  async removeManual(network: string, nowMs: number): Promise<boolean> {
    return (await this.call(this.redis.runScript(EDIT_MANUAL, [this.keys.sources, this.keys.manual], ['remove', network, '', nowMs, MANUAL_SOURCE]))) === 1;
  }

  private call<T>(p: Promise<T>): Promise<T> {
    return withDeadline(p, this.timeoutMs);
  }
}
