import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Redis } from 'ioredis';
import { expect } from 'vitest';
import { bearer } from '../support/app.js';
import { BROWSERS } from '../support/logins.js';

/** Shared bits of the HTTP tests: requests through `app.inject()` and the error-body contract. */

export { IP } from '../support/logins.js';

export const CHROME = BROWSERS.d1;

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function post(
  app: FastifyInstance,
  url: string,
  key: string | null,
  payload?: unknown,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url,
    headers: { ...(key === null ? {} : bearer(key)), ...headers },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
}

/**
 * Assert the error contract of docs/api.md ("Requests and errors"): exact status,
 * `{"error": {code, message, request_id}}` and nothing else, the request id equal to the
 * `x-request-id` response header, and a message containing each of `mentions`.
 */
export function expectError(res: LightMyRequestResponse, status: number, code: string, ...mentions: string[]): void {
  expect({ status: res.statusCode, body: res.body }).toMatchObject({ status });
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = res.json() as { error: { code: string; message: string; request_id: string } };
  expect(Object.keys(body)).toEqual(['error']);
  expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'request_id']);
  expect(body.error.code).toBe(code);
  expect(body.error.message).toEqual(expect.any(String));
  for (const m of mentions) expect(body.error.message).toContain(m);
  expect(body.error.request_id).toBe(res.headers['x-request-id']);
  expect(body.error.request_id.length).toBeGreaterThan(0);
}

/** The value of one Prometheus sample in `/metrics`, 0 when the series does not exist yet. */
export async function metricValue(app: FastifyInstance, name: string, labels: Record<string, string> = {}): Promise<number> {
  const res = await app.inject({ method: 'GET', url: '/metrics' });
  expect(res.statusCode).toBe(200);
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of res.body.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = m[2] ? m[2].split(',') : [];
    if (wanted.length === have.length && wanted.every((w) => have.includes(w))) return Number(m[3]);
  }
  return 0;
}

/** Every key and every stored string (hash fields and values, strings, list and set members). */
export async function dumpRedis(client: Redis): Promise<string[]> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      out.push(key);
      const type = await client.type(key);
      if (type === 'hash') out.push(...Object.entries(await client.hgetall(key)).flat());
      else if (type === 'string') out.push((await client.get(key)) ?? '');
      else if (type === 'list') out.push(...(await client.lrange(key, 0, -1)));
      else if (type === 'set') out.push(...(await client.smembers(key)));
      else if (type === 'zset') out.push(...(await client.zrange(key, 0, -1)));
      else out.push(`<${type}>`);
    }
  } while (cursor !== '0');
  return out;
}
