import { describe, expect, it } from 'vitest';
import { countLostEmails } from '../../src/mfa/count-lost-emails.js';
import type { EmailQueueCounts } from '../../src/mfa/delivery/email-queue.js';

/** A Redis data watch driven by hand, and the queue counts a scrape last read. */
function setUp() {
  const intact: ((lookStartedAt: number) => void)[] = [];
  const loss: (() => void)[] = [];
  let last: { counts: EmailQueueCounts; at: number } | null = null;
  const lost: number[] = [];
  countLostEmails(
    { onIntact: (h) => void intact.push(h), onLoss: (h) => void loss.push(h) },
    () => last,
    { emails: { inc: (_labels: { result: string }, n = 1) => void lost.push(n) } } as never,
    { error: () => {} },
  );
  return {
    scrape: (at: number, delayed: number) => void (last = { counts: { waiting: 0, active: 0, delayed, failed: 0 }, at }),
    intactLook: (startedAt: number) => intact.forEach((h) => h(startedAt)),
    loss: () => loss.forEach((h) => h()),
    lost,
  };
}

describe('countLostEmails', () => {
  it('counts the queued emails of the last scrape before a look that found the data intact', () => {
    const w = setUp();
    w.scrape(1, 2);
    w.intactLook(2);
    w.loss();
    expect(w.lost).toEqual([2]);
  });

  it('ignores a scrape made after the look began: the look may end, intact, after the loss', () => {
    const w = setUp();
    w.scrape(1, 1);
    w.intactLook(2);
    // A look begins before the data goes; a scrape after the loss counts an empty queue; the
    // look then reports what it read before the loss.
    w.scrape(4, 0);
    w.intactLook(3);
    w.loss();
    expect(w.lost).toEqual([1]);
  });
});
