import { luaScript } from '../../platform/redis/lua-script.js';
import type { RequestPorts } from '../../platform/redis/redis-port.js';
import { timed, type OpObserver } from '../timed.js';
import type { MarkerKeys } from './marker-keys.js';

const CREATE_MARKER = luaScript(new URL('./create-marker-1.lua', import.meta.url));

/**
 * What the marker says: since when this Redis holds Vigil's data, and whether it was written
 * because a running instance found its predecessor gone (a data loss).
 */
export interface DataMarker {
  /** Random, new with every marker: two markers written in the same millisecond still differ. */
  id: string;
  /** When the marker was written, epoch ms. */
  sinceMs: number;
  /** When an instance found the previous marker gone, epoch ms; null for a first start. */
  lostAtMs: number | null;
}

/**
 * The data marker (docs/operations.md, "13. Data loss went unnoticed"): one hash written when
 * Redis holds none and never expiring, so its disappearance means Redis lost its data (a
 * restart without persistence, a FLUSHALL, a replica promoted empty). `read` goes on the reads
 * connection, which a write pause lets through; `create` is a script on writes. Every call
 * fails after `timeoutMs`.
 */
export class MarkerStore {
  constructor(
    private readonly redis: RequestPorts,
    private readonly keys: MarkerKeys,
    private readonly opts: { observe?: OpObserver; timeoutMs: number },
  ) {}

  /** The marker, or null when Redis holds none. */
  async read(): Promise<DataMarker | null> {
    const flat = await this.timed('marker', () => this.redis.reads.hgetall(this.keys.marker));
    return parseMarker(flat);
  }

  /** Write `marker` unless one exists; the marker in force, and whether this call wrote it. */
  async create(marker: DataMarker): Promise<{ created: boolean; marker: DataMarker }> {
    const [created, flat] = (await this.timed('marker', () =>
      this.redis.writes.runScript(CREATE_MARKER, [this.keys.marker], [marker.id, marker.sinceMs, marker.lostAtMs ?? '']),
    )) as [number, string[]];
    return { created: created === 1, marker: parseMarker(flat) ?? marker };
  }

  private timed<T>(op: string, fn: () => Promise<T>): Promise<T> {
    return timed(this.opts.observe ?? noop, op, fn, this.opts.timeoutMs);
  }
}

function parseMarker(flat: readonly string[]): DataMarker | null {
  let id: string | null = null;
  let since: number | null = null;
  let lost: number | null = null;
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const v = flat[i + 1]!;
    if (flat[i] === 'id') id = v;
    else if (flat[i] === 'since') since = Number(v);
    else if (flat[i] === 'lost' && v !== '') lost = Number(v);
  }
  // The id is what tells markers apart; a time that does not parse is shown as 0, not taken for a loss.
  if (id === null || since === null) return null;
  return { id, sinceMs: Number.isFinite(since) ? since : 0, lostAtMs: lost !== null && Number.isFinite(lost) ? lost : null };
}

const noop: OpObserver = () => {};
