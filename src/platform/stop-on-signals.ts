import type { Logger } from 'pino';

/**
 * Stop on SIGTERM or SIGINT in two phases (docs/operations.md, "15. Shutdown had no not-ready
 * phase"): first report not ready (`lifecycle.draining`: `/health/ready` answers 503) for
 * `graceMs` while the listener still serves, so load balancers take the instance out before it
 * stops accepting; then `close` (the listener stops, requests in flight finish, connections
 * close) and exit. The listener once closed at the signal itself, and requests routed in the
 * meantime were refused. A second signal skips what is left of the grace.
 */
export function stopOnSignals(o: {
  graceMs: number;
  lifecycle: { draining: boolean };
  logger: Pick<Logger, 'info'>;
  close: () => Promise<void>;
  exit: (code: number) => void;
}): void {
  let skip: (() => void) | null = null;
  const stop = (signal: NodeJS.Signals) => {
    if (skip) {
      o.logger.info({ signal }, 'second signal: closing now');
      skip();
      return;
    }
    o.lifecycle.draining = true;
    o.logger.info({ signal, graceMs: o.graceMs }, 'shutting down: not ready, still serving for the grace period');
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, o.graceMs);
      skip = () => {
        clearTimeout(timer);
        resolve();
      };
    })
      .then(() => o.close())
      .then(
        () => o.exit(0),
        () => o.exit(1),
      );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
