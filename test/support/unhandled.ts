import type { Socket } from 'node:net';

/**
 * The unhandled rejections seen while `run` goes and for a moment after: a rejection that
 * follows a client's end arrives within milliseconds of it.
 */
export async function unhandledRejectionsDuring(run: () => Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const record = (reason: unknown) => void seen.push(reason);
  process.on('unhandledRejection', record);
  try {
    await run();
    await new Promise((r) => setTimeout(r, 50));
  } finally {
    process.off('unhandledRejection', record);
  }
  return seen;
}

/** Run `close`, then wait until each of a test server's `sockets` has seen its client end. */
export async function closeAndAwaitEnds(close: () => Promise<void>, sockets: readonly Socket[]): Promise<void> {
  const ended = sockets.map((s) => new Promise((resolve) => s.once('close', resolve)));
  await close();
  await Promise.all(ended);
}
