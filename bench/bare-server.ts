/**
 * The baseline: a bare fastify route on the same machine, driven with the same bodies as
 * Vigil. It parses the JSON body (fastify's default parser) and answers a small constant
 * object: what any JSON-over-HTTP service costs before doing any work. `PORT` from the bench.
 */
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.post('/v1/assess', async () => ({ ok: true }));
app.get('/health/ready', async () => ({ ready: true }));
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void app.close().then(() => process.exit(0)));
