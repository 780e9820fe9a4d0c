import { Worker } from 'node:worker_threads';
import type { ListSourceConfig } from '../config.js';

/** What the compile worker needs: the fetched bytes, how to read them, the version in use. */
export interface CompileJob {
  bytes: Uint8Array;
  spec: Pick<ListSourceConfig, 'format' | 'category' | 'minCount'>;
  /** The encoded set of the version in use, whose first-seen times carry over; null for none. */
  previous: Uint8Array | null;
  nowSec: number;
}

/** The compiled set, encoded for Redis, and its counts. */
export interface CompileResult {
  data: Uint8Array;
  size: number;
  skipped: number;
}

// The built JavaScript runs as is. From the TypeScript sources (tests, `npm run dev`) the worker
// first registers tsx's loader in its own thread (loader flags do not reach worker threads).
const fromSource = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(`./compile-worker.${fromSource ? 'ts' : 'js'}`, import.meta.url);
function entry(): URL {
  if (!fromSource) return WORKER_URL;
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `const { register } = await import(${JSON.stringify(tsx)}); register(); await import(${JSON.stringify(WORKER_URL.href)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(boot)}`);
}

/**
 * Compile a fetched source (`compileSource`) in a worker thread, one per job: the main thread
 * only waits. Rejects with the worker's error when the content cannot be read at all.
 */
export function compileInWorker(job: CompileJob): Promise<CompileResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(entry(), { workerData: job });
    let result: CompileResult | null = null;
    worker.once('message', (r: CompileResult) => {
      result = r;
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (result) resolve(result);
      else reject(new Error(`compile worker exited with code ${code} and no result`));
    });
  });
}
