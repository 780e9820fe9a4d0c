import { describe, expect, it } from 'vitest';
import { CODE_TTL_MS } from '../../src/mfa/email/code.js';
import { retryDelayMs, type RetryPolicy } from '../../src/mfa/delivery/retry-delay.js';

/** The code emails' defaults (src/mfa/delivery/email-queue.ts). */
const DEFAULTS: RetryPolicy = { firstMs: 1000, maxMs: 15_000, forMs: CODE_TTL_MS };

/** When each attempt starts, for a message queued at 0 whose every attempt fails at once: until the policy gives up. */
function attemptTimes(policy: RetryPolicy, succeedsFromMs = Infinity): { at: number[]; sentAt: number | null } {
  const at = [0];
  for (;;) {
    const now = at[at.length - 1]!;
    if (now >= succeedsFromMs) return { at, sentAt: now };
    const delay = retryDelayMs(at.length, 0, now, policy);
    if (delay === null) return { at, sentAt: null };
    at.push(now + delay);
  }
}

describe('retryDelayMs', () => {
  it('doubles from the first delay up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => retryDelayMs(n, 0, 0, DEFAULTS))).toEqual([1000, 2000, 4000, 8000, 15_000, 15_000, 15_000]);
  });

  // Item 14 (docs/operations.md, "Redis faults"): 5 attempts from 1 s gave up after 15 s of a
  // code valid 300 s, and a 30 s SMTP outage lost every code while the API had said `sent: true`.
  it('email retries span the code\'s life: the last attempt comes within one cap of its end, none after it', () => {
    const { at, sentAt } = attemptTimes(DEFAULTS);
    expect(sentAt).toBeNull();
    const last = at[at.length - 1]!;
    expect(last).toBeLessThan(CODE_TTL_MS);
    expect(last).toBeGreaterThanOrEqual(CODE_TTL_MS - DEFAULTS.maxMs);
    expect(at.length).toBeGreaterThan(15);
  });

  it('a 30 s SMTP outage delays a code by at most one cap, and it is sent', () => {
    const { sentAt } = attemptTimes(DEFAULTS, 30_000);
    expect(sentAt).not.toBeNull();
    expect(sentAt!).toBeLessThanOrEqual(30_000 + DEFAULTS.maxMs);
  });

  it('gives up when the next attempt would come after the code expired', () => {
    expect(retryDelayMs(9, 0, CODE_TTL_MS - 15_001, DEFAULTS)).toBe(15_000);
    expect(retryDelayMs(9, 0, CODE_TTL_MS - 15_000, DEFAULTS)).toBeNull();
    expect(retryDelayMs(1, 0, CODE_TTL_MS, DEFAULTS)).toBeNull();
  });
});
