import type { Logger } from 'pino';
import { buildDeps, type BuiltDeps } from '../../compose.js';
import type { Config } from '../../config.js';

/** An IP list as one column loaded it. */
export interface LoadedList {
  name: string;
  category: string;
  /** Networks in the loaded version. */
  networks: number;
}

/**
 * Build the service's real dependencies for one column (`buildDeps`, as `src/main.ts` does),
 * wait until Redis answers on its connections, and check that every configured IP list loaded:
 * a replay without a list the configuration names would measure another configuration.
 */
export async function openColumn(config: Config, logger: Logger, readyTimeoutMs = 10_000): Promise<{ deps: BuiltDeps; lists: LoadedList[] }> {
  const deps = await buildDeps(config, { logger });
  try {
    await untilReady(deps, readyTimeoutMs);
    const lists: LoadedList[] = [];
    const missing: string[] = [];
    for (const source of config.lists) {
      const state = await deps.feeds.store.state(source.name);
      if (deps.intel.version(source.name) === 0) missing.push(`"${source.name}": ${state.error ?? 'not loaded'}`);
      lists.push({ name: source.name, category: source.category, networks: state.size });
    }
    if (missing.length > 0) throw new Error(`IP lists did not load: ${missing.join('; ')}`);
    return { deps, lists };
  } catch (err) {
    await deps.close();
    throw err;
  }
}

/** Wait until the Redis connections answer PING (commands fail fast while they connect). */
async function untilReady(deps: Pick<BuiltDeps, 'redis'>, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      await deps.redis.ping();
      return;
    } catch (err) {
      if (Date.now() > until) throw new Error(`Redis did not answer: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
