import type { IoredisClient } from './redis/ioredis-port.js';

/** A BullMQ queue or worker that is made once its connection has first answered. */
export interface OnFirstReady<T> {
  /** Resolves to it once made; rejects when closed before Redis ever answered. */
  readonly made: Promise<T>;
  /** It, or null until it is made (for good when closed before that). */
  current(): T | null;
  /**
   * Close it if it was made, once its setup has settled, and never make it after. Idempotent.
   * Waits for Redis as long as that setup does: bound it (`boundedClose`).
   */
  close(): Promise<void>;
}

/**
 * Run `make` (which builds a BullMQ Queue or Worker on `redis`) when `redis` first emits
 * `ready`, or at once if it already has.
 *
 * BullMQ 5 sets each connection up in the background (wait for `ready`, read the version with
 * INFO). When that setup fails after BullMQ's close() removed every listener, BullMQ re-emits
 * the failure as `error` to no one: an unhandled rejection (`redis-connection.js`,
 * `this.initializing.catch(...)`, in 5.81.5). Two cases:
 * - closed while Redis never answered, the setup fails with the last connect error: made only
 *   once Redis has answered, such a queue or worker is never made;
 * - closed just after it was made, its INFO was still out, and dropping the connection failed
 *   it ("Connection is closed."): close() waits for the setup of the connection it was given
 *   (`client`) first. A worker's own blocking connection BullMQ's close ends itself.
 */
export function onFirstReady<T extends { close(): Promise<void>; readonly client: Promise<unknown> }>(redis: IoredisClient, make: () => T): OnFirstReady<T> {
  let current: T | null = null;
  let closed = false;
  let fail!: (err: Error) => void;
  let onReady!: () => void;
  const made = new Promise<T>((resolve, reject) => {
    fail = reject;
    onReady = () => {
      if (closed) return;
      try {
        current = make();
        resolve(current);
      } catch (err) {
        reject(err as Error);
      }
    };
  });
  // Awaited by whoever needs it; a close before Redis answered is no error by itself.
  made.catch(() => {});
  if (redis.status === 'ready') onReady();
  else redis.once('ready', onReady);

  let closing: Promise<void> | null = null;
  return {
    made,
    current: () => current,
    close() {
      closing ??= (async () => {
        closed = true;
        redis.off('ready', onReady);
        fail(new Error('closed before Redis answered'));
        if (!current) return;
        // Settles once Redis answers the INFO, or when the connection is dropped; until then
        // BullMQ's listeners (and ours, which log it) hear a failure.
        await current.client.catch(() => {});
        await current.close();
      })();
      return closing;
    },
  };
}
