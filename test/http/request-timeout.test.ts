import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYS, makeTestApp, type TestApp } from '../support/app.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';

/**
 * Regression (issue 17, item 5): there was no request timeout. A client that sent its headers
 * and then trickled its body kept the connection open indefinitely, even after a 401. Over real
 * sockets (the timeouts are the HTTP server's), with a short `VIGIL_REQUEST_TIMEOUT_MS`: each
 * slow client is cut within the timeout plus the server's check interval (a quarter of it).
 */
const TIMEOUT_MS = 400;
/** Timeout, check interval, and a loaded two-core box's scheduling. */
const CUT_WITHIN_MS = TIMEOUT_MS + TIMEOUT_MS / 4 + 1000;

interface Outcome {
  /** When the server closed the connection, ms after connecting; null if it was still open at the end. */
  closedAfterMs: number | null;
  /** Everything the server sent. */
  received: string;
}

describe('request timeout', () => {
  let redis: TestRedis;
  let t: TestApp;
  let port: number;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    redis = await startTestRedis();
    t = await makeTestApp({ redisUrl: redis.url, env: { VIGIL_REQUEST_TIMEOUT_MS: String(TIMEOUT_MS) } });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    port = (t.app.server.address() as { port: number }).port;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await t?.close();
    await redis?.stop();
  });

  /**
   * Connect, write `head`, then one byte of `drip` every 50 ms until it runs out or the server
   * closes; give up watching after `watchMs`, or once `doneWhen` holds for what was received.
   */
  function slowClient(head: string, drip: string, watchMs: number, doneWhen: (received: string) => boolean = () => false): Promise<Outcome> {
    return new Promise((resolve) => {
      const started = performance.now();
      const socket = connect(port, '127.0.0.1');
      sockets.push(socket);
      let received = '';
      let i = 0;
      let timer: NodeJS.Timeout | undefined;
      const finish = (closedAfterMs: number | null) => {
        clearInterval(timer);
        clearTimeout(watch);
        socket.destroy();
        resolve({ closedAfterMs, received });
      };
      const watch = setTimeout(() => finish(null), watchMs);
      socket.on('data', (d: Buffer) => {
        received += d.toString('latin1');
        if (doneWhen(received)) finish(null);
      });
      socket.on('close', () => finish(performance.now() - started));
      socket.on('error', () => {});
      socket.on('connect', () => {
        if (head) socket.write(head);
        timer = setInterval(() => {
          if (i < drip.length && !socket.destroyed) socket.write(drip[i++]!);
        }, 50);
      });
    });
  }

  const body = JSON.stringify({ user_id: 'slow-client', ip: '8.8.8.8' });
  const headers = (auth: boolean) =>
    `POST /v1/assess HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n` +
    `${auth ? `Authorization: Bearer ${KEYS.web}\r\n` : ''}\r\n`;

  it('cuts a client that sends its headers and then trickles the body', async () => {
    const out = await slowClient(headers(true), body, 4_000);
    expect(out.closedAfterMs).not.toBeNull();
    expect(out.closedAfterMs!).toBeGreaterThanOrEqual(TIMEOUT_MS * 0.9);
    expect(out.closedAfterMs!).toBeLessThan(CUT_WITHIN_MS);
    expect(out.received).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('cuts a client that keeps trickling after its 401', async () => {
    const out = await slowClient(headers(false), body, 4_000);
    expect(out.received).toMatch(/^HTTP\/1\.1 401 /);
    expect(out.closedAfterMs).not.toBeNull();
    expect(out.closedAfterMs!).toBeLessThan(CUT_WITHIN_MS);
  });

  it('cuts a client that trickles its headers', async () => {
    const out = await slowClient('', headers(true), 4_000);
    expect(out.closedAfterMs).not.toBeNull();
    expect(out.closedAfterMs!).toBeLessThan(CUT_WITHIN_MS);
  });

  it('cuts a client that connects and sends nothing', async () => {
    const out = await slowClient('', '', 4_000);
    expect(out.closedAfterMs).not.toBeNull();
    expect(out.closedAfterMs!).toBeLessThan(CUT_WITHIN_MS);
  });

  it('leaves an idle keep-alive connection alone between requests (keepAliveTimeout governs it)', async () => {
    const socket = connect(port, '127.0.0.1');
    sockets.push(socket);
    let received = '';
    socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
    const answers = (n: number) =>
      new Promise<void>((resolve, reject) => {
        const check = setInterval(() => {
          if ((received.match(/"assessment_id"/g) ?? []).length >= n) {
            clearInterval(check);
            resolve();
          } else if (socket.destroyed) {
            clearInterval(check);
            reject(new Error(`closed after ${received.length} bytes`));
          }
        }, 10);
      });
    await new Promise<void>((resolve) => socket.on('connect', () => resolve()));
    socket.write(`${headers(true)}${body}`);
    await answers(1);
    // Idle for three request timeouts: a pooled connection of a login service between two logins.
    await new Promise((r) => setTimeout(r, TIMEOUT_MS * 3));
    expect(socket.destroyed).toBe(false);
    socket.write(`${headers(true)}${body}`);
    await answers(2);
  });

  it('still serves a client that sends its request at once, over the same kind of socket', async () => {
    const out = await slowClient(`${headers(true)}${body}`, '', 3_000, (r) => r.includes('"assessment_id"'));
    expect(out.received).toMatch(/^HTTP\/1\.1 200 /);
    expect(out.received).toContain('"assessment_id"');
  });
});
