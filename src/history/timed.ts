/** Called after every Redis operation, for metrics. */
export type OpObserver = (op: string, seconds: number, ok: boolean) => void;

/** Run one Redis operation and report its duration and outcome to `observe`. */
export function timed<T>(observe: OpObserver, op: string, fn: () => Promise<T>): Promise<T> {
  const start = performance.now();
  return fn().then(
    (out) => {
      observe(op, (performance.now() - start) / 1000, true);
      return out;
    },
    (err: unknown) => {
      observe(op, (performance.now() - start) / 1000, false);
      throw err;
    },
  );
}
