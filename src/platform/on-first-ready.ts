import type { IoredisClient } from './redis/ioredis-port.js';

/** A BullMQ queue or worker that is made once its connection has first answered. */
export interface OnFirstReady<T> {
  /** Resolves to it once made; rejects when closed before Redis ever answered. */
  readonly made: Promise<T>;
  /** It, or null until it is made (for good when closed before that). */
  current(): T | null;
  /** Close it if it was made, and never make it after. Idempotent. */
  close(): Promise<void>;
}

/**
 * Run `make` (which builds a BullMQ Queue or Worker on `redis`) when `redis` first emits
 * `ready`, or at once if it already has.
 *
 * BullMQ 5 sets each connection up in the background (wait for `ready`, read the version).
 * When the client ends first, as on a close while Redis never answered, that setup rejects
 * with the last connect error, which BullMQ re-emits as `error` after its close() removed
 * every listener: an unhandled rejection (`redis-connection.js`, `this.initializing.catch(...)`,
 * in 5.81.5). Made only once Redis has answered, a queue or worker closed before that leaves
 * BullMQ nothing half set up.
 */
export function onFirstReady<T extends { close(): Promise<void> }>(redis: IoredisClient, make: () => T): OnFirstReady<T> {
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
      closing ??= (() => {
        closed = true;
        redis.off('ready', onReady);
        fail(new Error('closed before Redis answered'));
        return current ? current.close() : Promise.resolve();
      })();
      return closing;
    },
  };
}
