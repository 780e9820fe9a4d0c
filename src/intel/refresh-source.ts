import { createHash } from 'node:crypto';
import type { ListSourceConfig } from '../config.js';
import { compileInWorker, type CompileResult } from './compile-in-worker.js';
import { fetchSource } from './fetch-source.js';
import type { IntelStore } from '../stores/intel/intel-store.js';
import type { RefreshOutcome } from './lists/source-state.js';

/** What one refresh did. */
export interface RefreshResult {
  outcome: RefreshOutcome;
  /** The version current after it. */
  version: number;
  /** Why it failed. */
  error?: string;
}

/**
 * Refresh one list source: fetch it, and when its bytes changed, compile them (in a worker
 * thread) and store the result as the source's next version. Never throws for the source's own
 * faults: an unreachable URL, a missing file, a database that does not parse, or content with no
 * network at all where the last version had some (an error page served with 200) is recorded as
 * a failure, and the last good version stays. Redis errors do throw.
 */
export async function refreshSource(spec: ListSourceConfig, store: IntelStore, now: () => number): Promise<RefreshResult> {
  const startedMs = now();
  const current = await store.state(spec.name);
  let compiled: CompileResult | null = null;
  let sha256: string;
  try {
    const bytes = await fetchSource(spec);
    sha256 = createHash('sha256').update(bytes).digest('hex');
    if (current.version === 0 || sha256 !== current.sha256) {
      const previous = current.version > 0 ? ((await store.readSet(spec.name))?.data ?? null) : null;
      compiled = await compileInWorker({ bytes, spec, previous, nowSec: Math.floor(startedMs / 1000) });
      if (compiled.size === 0 && current.size > 0) {
        throw new Error(`no network in the fetched content (${compiled.skipped} malformed lines); keeping version ${current.version}`);
      }
    }
  } catch (err) {
    const error = (err as Error).message;
    const version = await store.recordRefresh(spec.name, { error, errorAtMs: now() }, { outcome: 'failed' });
    return { outcome: 'failed', version, error };
  }
  if (compiled === null) {
    return { outcome: 'unchanged', version: await store.recordRefresh(spec.name, { refreshedAtMs: now() }, { outcome: 'unchanged' }) };
  }
  const { data, size, skipped } = compiled;
  const patch = { refreshedAtMs: now(), changedAtMs: now(), sha256, size, skipped };
  return { outcome: 'updated', version: await store.recordRefresh(spec.name, patch, { outcome: 'updated', data }) };
}
