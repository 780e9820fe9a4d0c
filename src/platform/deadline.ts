export class DeadlineError extends Error {
  override readonly name = 'DeadlineError';
}

/** A deadline timer this late (ms) means the event loop was stalled, not the answer slow. */
const LATE_TIMER_MS = 20;
/** After a stall, a command may have been written only when it ended: time for its reply (ms). */
const STALL_GRACE_MS = 10;

/**
 * Settle with `promise`, or reject with {@link DeadlineError} once `ms` have passed without an
 * answer. The late promise's own rejection is swallowed so it cannot surface as an unhandled
 * rejection.
 *
 * Not fooled by a late event loop. Timers run before the poll phase that reads sockets, so a
 * timer that fires after a stall (a long callback, a GC pause, CPU contention) would reject
 * an answer already waiting in the socket: the deadline looks again in `setImmediate`, after
 * the poll phase has read it. When the timer itself fired more than {@link LATE_TIMER_MS}
 * late, the command may have gone out only after the stall, so its reply gets
 * {@link STALL_GRACE_MS} more. Nothing is dropped or closed here: a late answer is refused,
 * the connection that carried it stays (docs/redis.md, "Deadlines").
 */
export function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  if (ms <= 0) {
    promise.catch(() => {});
    return Promise.reject(new DeadlineError('deadline passed before the call'));
  }
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const dueAt = performance.now() + ms;
    const expire = () => {
      if (settled) return;
      settled = true;
      reject(new DeadlineError(`no answer within ${ms} ms`));
    };
    const timer = setTimeout(() => {
      setImmediate(() => {
        if (settled) return;
        if (performance.now() - dueAt > LATE_TIMER_MS) setTimeout(expire, STALL_GRACE_MS);
        else expire();
      });
    }, ms);
    promise.then(
      (v) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(v);
      },
      (err: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}
