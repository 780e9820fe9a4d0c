import type { Logger } from 'pino';
import type { Metrics } from '../platform/metrics/metrics.js';
import type { EmailQueueCounts } from './delivery/email-queue.js';

/**
 * Count the code emails a Redis data loss took, in `vigil_email_deliveries_total{result="lost"}`:
 * the jobs waiting, active or delayed when the queue was last counted (by a scrape) before the
 * last look that still found the data. A scrape between the loss and its discovery counts an
 * empty queue, so the number is taken at each look that found the data intact, from counts
 * read before that look began: a look under way when the loss came can report the data intact
 * after such a scrape. The codes were
 * worthless anyway (their mfa_tokens went with the data); the count says how many users were
 * told `sent: true` and got nothing (docs/operations.md, "13. Data loss went unnoticed").
 */
export function countLostEmails(
  /** The Redis data watch (src/redis-data/redis-data-watch.ts), as the composition root hands it in. */
  watch: { onIntact(hook: (lookStartedAt: number) => void): void; onLoss(hook: () => void): void },
  lastCounts: () => { counts: EmailQueueCounts; at: number } | null,
  metrics: Pick<Metrics, 'emails'>,
  logger: Pick<Logger, 'error'>,
): void {
  let queued = 0;
  watch.onIntact((lookStartedAt) => {
    const last = lastCounts();
    if (last === null) queued = 0;
    else if (last.at < lookStartedAt) queued = last.counts.waiting + last.counts.active + last.counts.delayed;
  });
  watch.onLoss(() => {
    metrics.emails.inc({ result: 'lost' }, queued);
    logger.error({ emails: queued }, 'queued code emails were lost with the Redis data (as last counted)');
    queued = 0;
  });
}
