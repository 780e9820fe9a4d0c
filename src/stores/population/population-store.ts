import { COUNTED_FEATURES, type Feature } from '../../risk/familiarity/features.js';
import type { PopulationDelta } from '../../risk/familiarity/population-counts.js';
import { luaScript } from '../../platform/redis/lua-script.js';
import type { RedisPort } from '../../platform/redis/redis-port.js';
import { timed, type OpObserver } from '../timed.js';
import type { PopulationKeys } from './population-keys.js';

const MERGE = luaScript(new URL('./merge-population-7.lua', import.meta.url));

/** The counted features, in the order the script takes their keys. */
const COUNTED: readonly Feature[] = [...COUNTED_FEATURES];

/**
 * The familiarity model's population counts in Redis, shared by every instance
 * (docs/risk-model.md §7): a total and one hash per counted feature, under one hash tag, so a
 * merge is one script. Used in the background only, never on the request path.
 */
export class PopulationStore {
  constructor(
    private readonly redis: RedisPort,
    private readonly keys: PopulationKeys,
    private readonly opts: { maxValuesPerFeature: number; timeoutMs: number; observe?: OpObserver },
  ) {}

  /** Add `delta` to the shared counts and return them as they are now (with `delta` in them). */
  async merge(delta: PopulationDelta): Promise<PopulationDelta> {
    const args: (string | number)[] = [delta.total, this.opts.maxValuesPerFeature];
    for (const f of COUNTED) {
      const byValue = delta.counts.get(f);
      args.push(byValue?.size ?? 0);
      for (const [value, n] of byValue ?? []) args.push(value, n);
    }
    const keys = [this.keys.total, ...COUNTED.map((f) => this.keys.counts(f))];
    const reply = (await timed(this.opts.observe ?? noop, 'population', () => this.redis.runScript(MERGE, keys, args), this.opts.timeoutMs)) as [
      number,
      ...string[][],
    ];
    const [total, ...flats] = reply;
    const counts = new Map<Feature, Map<string, number>>();
    COUNTED.forEach((f, i) => {
      const flat = flats[i] ?? [];
      const byValue = new Map<string, number>();
      for (let j = 0; j + 1 < flat.length; j += 2) byValue.set(flat[j]!, Number(flat[j + 1]));
      counts.set(f, byValue);
    });
    return { total: Number(total), counts };
  }
}

const noop: OpObserver = () => {};
