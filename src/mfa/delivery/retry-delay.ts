/** How code emails are retried (docs/operations.md, "14. Email retries ended long before the code did"). */
export interface RetryPolicy {
  /** The first retry's delay, ms; each further one doubles it. */
  firstMs: number;
  /** No retry waits longer than this, ms, so a server that is back is tried again soon. */
  maxMs: number;
  /** A message is retried until this long after it was queued (the life of the code it carries), ms. */
  forMs: number;
}

/**
 * The delay before the next attempt at a message queued at `queuedAtMs`, after `attemptsMade`
 * failed attempts (1 after the first), or null when that attempt would come after the message
 * stopped being worth sending: the code it carries has expired. Exponential from `firstMs`,
 * capped at `maxMs`, so a 30 s SMTP outage costs a user one short wait, not their code: the
 * fixed 5 attempts from 1 s this replaces gave up after 15 s of a code valid 300 s.
 */
export function retryDelayMs(attemptsMade: number, queuedAtMs: number, nowMs: number, policy: RetryPolicy): number | null {
  const delay = Math.min(policy.firstMs * 2 ** Math.max(attemptsMade - 1, 0), policy.maxMs);
  return nowMs + delay < queuedAtMs + policy.forMs ? delay : null;
}
