/** How long a `close()` waits for BullMQ before dropping its connections anyway. */
export const CLOSE_TIMEOUT_MS = 2000;

/**
 * Wait for `closing` (a BullMQ queue's or worker's close) for at most `ms`, and never fail.
 *
 * Once Redis has answered and then gone away, BullMQ's close can wait for it for ever: a
 * worker's close disconnects its blocking connection and waits for ioredis' `end`, which a
 * client between reconnect attempts never emits (BullMQ 5.81.5 `whenCurrentJobsFinished`,
 * ioredis 5.11.1 `disconnect`). Shutdown must not. The timer is unref'd, so it keeps no
 * process alive.
 */
export async function boundedClose(closing: Promise<unknown>, ms = CLOSE_TIMEOUT_MS): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms).unref()));
  try {
    await Promise.race([closing.catch(() => {}), limit]);
  } finally {
    clearTimeout(timer);
  }
}
