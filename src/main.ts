import cluster from 'node:cluster';
import { ensureApiClient } from './http/api-clients.js';
import { buildDeps } from './compose.js';
import { createLogger } from './platform/create-logger.js';
import { runPrimary } from './platform/run-primary.js';
import { ConfigError, loadConfig } from './config.js';
import { buildApp } from './http/app.js';
import { buildMetricsApp } from './http/metrics-app.js';
import { stopOnSignals } from './platform/stop-on-signals.js';

/** Boot: parse config once, build infrastructure, serve, and shut down cleanly on signals (not ready first, then drain). */
async function main(): Promise<void> {
  let loaded;
  try {
    loaded = ensureApiClient(loadConfig());
    if (loaded.devKey && loaded.config.workers > 1) {
      throw new ConfigError('VIGIL_WORKERS > 1 needs a configured API client: a development key would differ in every worker');
    }
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`vigil: ${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const { config, devKey } = loaded;
  const logger = createLogger(config);
  if (config.workers > 1 && cluster.isPrimary) {
    runPrimary(config.workers, logger);
    return;
  }
  if (config.deviceSecretIsDefault) {
    logger.warn('VIGIL_DEVICE_SECRET is not set: using the development default (production refuses to start without one)');
  }
  const deps = await buildDeps(config, { logger });
  const app = await buildApp(deps);
  // VIGIL_METRICS_PORT: /metrics on a listener of its own, closed before the infrastructure.
  const metricsApp = config.metricsEndpoint.port === null ? null : await buildMetricsApp(deps);
  app.addHook('onClose', async () => {
    await metricsApp?.close();
    await deps.close();
  });

  stopOnSignals({ graceMs: config.shutdownGraceMs, lifecycle: deps.lifecycle, logger, close: () => app.close(), exit: (code) => process.exit(code) });
  await app.listen({ host: config.host, port: config.port });
  if (metricsApp) await metricsApp.listen({ host: config.host, port: config.metricsEndpoint.port! });
  if (devKey) {
    process.stderr.write(
      `\n  No API client configured: this process accepts a development key (valid until it stops):\n\n` +
        `    export VIGIL_API_KEY=${devKey}\n\n` +
        `  For a lasting key: npm run keygen -- my-login-service (see docs/configuration.md, "API clients and admins").\n\n`,
    );
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`vigil: failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
