import { VigilError } from '../errors.js';

/**
 * Run a Redis-backed call; a fault becomes `store_unavailable` (503) naming `what` could not be
 * reached, while expected outcomes already expressed as a VigilError pass through.
 */
export async function storeCall<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof VigilError) throw err;
    throw new VigilError('store_unavailable', `could not reach ${what}; retry`, { cause: err });
  }
}
