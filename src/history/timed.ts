/** Called after every Redis operation, for metrics. */
export type OpObserver = (op: string, seconds: number, ok: boolean) => void;

/** Run one Redis operation and report its duration and outcome to `observe`. */
export async function timed<T>(observe: OpObserver, op: string, fn: () => Promise<T>): Promise<T> {
  const start = process.hrtime.bigint();
  try {
    const out = await fn();
    observe(op, Number(process.hrtime.bigint() - start) / 1e9, true);
    return out;
  } catch (err) {
    observe(op, Number(process.hrtime.bigint() - start) / 1e9, false);
    throw err;
  }
}
