import { readFile } from 'node:fs/promises';
import type { ListSourceConfig } from '../config.js';

/** A fetch that has not finished in this long failed (the next refresh tries again). */
const FETCH_TIMEOUT_MS = 30_000;
/** Largest source accepted: a MaxMind Anonymous-IP database is ~100 MB; anything past this is a mistake. */
const MAX_SOURCE_BYTES = 256 * 1024 * 1024;

/**
 * Where a source comes from, safe to show: a path, or a URL without credentials or query
 * (MaxMind download URLs carry the license key in the query).
 */
export function describeOrigin(spec: Pick<ListSourceConfig, 'path' | 'url'>): string {
  if (spec.url === undefined) return spec.path ?? '';
  const u = new URL(spec.url);
  return `${u.protocol}//${u.host}${u.pathname}${u.search ? '?…' : ''}`;
}

/** An error's message with its cause's (undici reports `fetch failed` with the reason in `cause`). */
function explain(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  const cause = e.cause?.code ?? e.cause?.message;
  return cause ? `${e.message}: ${cause}` : e.message;
}

async function readBody(res: Response): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length') ?? 0);
  if (declared > MAX_SOURCE_BYTES) throw new Error(`larger than ${MAX_SOURCE_BYTES} bytes`);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of res.body ?? []) {
    total += chunk.byteLength;
    if (total > MAX_SOURCE_BYTES) throw new Error(`larger than ${MAX_SOURCE_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * The bytes of a source: its file, or its URL (a 2xx answer, redirects followed, within
 * {@link FETCH_TIMEOUT_MS} and {@link MAX_SOURCE_BYTES}). Throws an Error whose message says
 * what went wrong without repeating the URL's secrets.
 */
export async function fetchSource(spec: Pick<ListSourceConfig, 'path' | 'url'>): Promise<Buffer> {
  if (spec.url === undefined) {
    try {
      return await readFile(spec.path ?? '');
    } catch (err) {
      throw new Error(`cannot read ${spec.path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
    }
  }
  try {
    const res = await fetch(spec.url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: 'follow' });
    if (!res.ok) {
      await res.body?.cancel();
      throw new Error(`HTTP ${res.status}`);
    }
    return await readBody(res);
  } catch (err) {
    throw new Error(`cannot fetch ${describeOrigin(spec)}: ${explain(err)}`, { cause: err });
  }
}
