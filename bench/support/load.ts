import autocannon from 'autocannon';

/** One load run's client-side figures. Latencies are autocannon's, in whole milliseconds. */
export interface LoadResult {
  requests: number;
  durationSec: number;
  rps: number;
  latencyMs: { mean: number; p50: number; p90: number; p99: number; p99_9: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

export interface LoadOptions {
  url: string;
  path: string;
  connections: number;
  durationSec: number;
  /** JSON bodies, sent round-robin across all connections (made before the run, so the load generator only indexes an array). */
  bodies: readonly string[];
  headers: Record<string, string>;
  /** Offered load, requests per second; unset: closed loop, as fast as the server answers. */
  rate?: number;
}

/** Drive `POST path` with autocannon for `durationSec` (bounded: a duration, and only to the given loopback URL). */
export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  let i = 0;
  const n = o.bodies.length;
  const r = await autocannon({
    url: o.url,
    connections: o.connections,
    duration: o.durationSec,
    timeout: 10,
    ...(o.rate ? { overallRate: o.rate } : {}),
    requests: [
      {
        method: 'POST',
        path: o.path,
        headers: { 'content-type': 'application/json', ...o.headers },
        setupRequest: (req) => {
          req.body = o.bodies[i++ % n];
          return req;
        },
      },
    ],
  });
  const total = r['2xx'] + r.non2xx;
  return {
    requests: total,
    durationSec: r.duration,
    rps: total / r.duration,
    latencyMs: { mean: r.latency.mean, p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, p99_9: r.latency.p99_9, max: r.latency.max },
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
  };
}
