/**
 * Vigil with the assessment taken out, for `npm run bench -- --floors`: what the rest of a
 * `/v1/assess` request costs, measured beside the real thing in the same rounds.
 *
 * It boots as `src/main.ts` does (same config, deps and app: request id, API-key check, body
 * parse and zod validation, metrics) and then answers `POST /v1/assess` from a root
 * `preHandler` hook, which runs after all of that and before the route's handler:
 *
 * - `FLOOR=http`: the answer of one real assessment, made at boot, sent again for every request
 *   (serialized each time, like every answer). Vigil's HTTP layer and nothing else.
 * - `FLOOR=redis`: the same after the assessment's Redis work through the stores: the load
 *   (user hash, MFA summary, the IP's counters: `loadLogin`) and the commit of the login's time
 *   (HSET and EXPIRE, the common path's commands: `commitLogin`). No context, assessors or
 *   decision.
 *
 * The gap from the bare route to `http` is the app's own cost, from `http` to `redis` the
 * round trips', and from `redis` to Vigil the assessment's. `FLOOR_BODY` is one request body
 * and `FLOOR_AUTH` its Authorization header, for the boot-time assessment.
 */
import { NO_FEATURES } from '../src/risk/familiarity/features.js';
import { buildDeps } from '../src/compose.js';
import { loadConfig } from '../src/config.js';
import { buildApp } from '../src/http/app.js';
import { commitLogin } from '../src/risk/commit-login.js';
import { loadLogin } from '../src/risk/load-login.js';

const floor = process.env.FLOOR;
if (floor !== 'http' && floor !== 'redis') throw new Error(`FLOOR must be http or redis, not ${String(floor)}`);

const config = loadConfig();
const deps = await buildDeps(config);
const app = await buildApp(deps);
let answer: unknown = null;

app.addHook('preHandler', (request, reply, done) => {
  if (answer === null || request.routeOptions.url !== '/v1/assess') return done();
  if (floor === 'http') {
    reply.send(answer);
    return;
  }
  const body = request.body as { user_id: string; ip?: string };
  const ip = body.ip ?? null;
  const atMs = Date.now();
  loadLogin(deps, { userId: body.user_id, ip, browser: null }, atMs)
    .then(({ history }) => commitLogin(deps, { userId: body.user_id, entry: { deviceHash: null, uaFamily: null, location: null, atMs, features: NO_FEATURES }, ip }, { history, accountFailures: 0 }))
    .then(
      () => reply.send(answer),
      (err: Error) => reply.send(err),
    );
});
app.addHook('onClose', () => deps.close());
await app.ready();

const first = await app.inject({
  method: 'POST',
  url: '/v1/assess',
  headers: { authorization: process.env.FLOOR_AUTH ?? '', 'content-type': 'application/json' },
  payload: process.env.FLOOR_BODY ?? '{}',
});
if (first.statusCode !== 200) throw new Error(`the boot-time assessment answered ${first.statusCode}: ${first.body}`);
answer = first.json();

await app.listen({ host: config.host, port: config.port });
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void app.close().then(() => process.exit(0)));
