export class DeadlineError extends Error {
  override readonly name = 'DeadlineError';
}

/**
 * Settle with `promise`, or reject with {@link DeadlineError} after `ms`. The late promise's
 * own rejection is swallowed so it cannot surface as an unhandled rejection.
 */
export function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  if (ms <= 0) {
    promise.catch(() => {});
    return Promise.reject(new DeadlineError('deadline passed before the call'));
  }
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new DeadlineError(`no answer within ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}
