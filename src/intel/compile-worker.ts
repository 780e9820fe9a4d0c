/**
 * Worker-thread entry of {@link compileInWorker}: compile one fetched source and post back the
 * encoded set. Runs off the main thread, so parsing and indexing a list of a million networks
 * (seconds of CPU) never delays an assessment.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { compileSource } from './lists/compile-source.js';
import { IpSet } from './lists/ip-set.js';
import type { CompileJob, CompileResult } from './compile-in-worker.js';

const job = workerData as CompileJob;
const previous = job.previous ? IpSet.decode(job.previous) : null;
const { set, skipped } = compileSource(Buffer.from(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength), job.spec, previous, job.nowSec);
const result: CompileResult = { data: set.encode(), size: set.size, skipped };
parentPort?.postMessage(result);
