import { Agent, request } from 'node:http';
import type { LoadOptions, LoadResult } from './load.js';

/**
 * An open-loop load: requests sent at a steady `rate` over at most `connections` keep-alive
 * sockets, each timed from the moment it was due, so time spent waiting for a free socket
 * counts (no coordinated omission). autocannon's `overallRate` is not this: each connection
 * sends its quota for the second in a burst at the start of the second and then idles, which
 * measures the burst's queue rather than the latency at that load. Latencies come out in
 * fractions of a millisecond. Loopback only, bounded by `durationSec` plus a 10 s timeout.
 */
export async function runPaced(o: LoadOptions & { rate: number }): Promise<LoadResult> {
  const url = new URL(o.path, o.url);
  const agent = new Agent({ keepAlive: true, maxSockets: o.connections });
  const intervalMs = 1000 / o.rate;
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  let timeouts = 0;
  let sent = 0;
  let pending = 0;
  const start = performance.now();
  const end = start + o.durationSec * 1000;

  await new Promise<void>((done) => {
    const settle = () => {
      pending--;
      if (pending === 0 && performance.now() >= end) done();
    };
    const send = (due: number) => {
      const body = o.bodies[sent % o.bodies.length]!;
      sent++;
      pending++;
      const req = request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          timeout: 10_000,
          headers: { ...o.headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            latencies.push(performance.now() - due);
            if ((res.statusCode ?? 0) >= 300) non2xx++;
            settle();
          });
        },
      );
      req.on('timeout', () => {
        timeouts++;
        req.destroy();
      });
      req.on('error', () => {
        errors++;
        settle();
      });
      req.end(body);
    };
    const tick = () => {
      const now = Math.min(performance.now(), end);
      // Every request whose time has come, each timed from when it was due.
      while (start + sent * intervalMs <= now) send(start + sent * intervalMs);
      if (performance.now() < end) setTimeout(tick, 1);
      else if (pending === 0) done();
    };
    tick();
  });
  agent.destroy();

  latencies.sort((a, b) => a - b);
  const at = (q: number) => round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);
  const durationSec = o.durationSec;
  return {
    requests: latencies.length,
    durationSec,
    rps: latencies.length / durationSec,
    latencyMs: {
      mean: round(latencies.reduce((a, b) => a + b, 0) / Math.max(latencies.length, 1)),
      p50: at(0.5),
      p90: at(0.9),
      p99: at(0.99),
      p99_9: at(0.999),
      max: round(latencies.at(-1) ?? 0),
    },
    non2xx,
    errors,
    timeouts,
  };
}

const round = (ms: number) => Math.round(ms * 10) / 10;
