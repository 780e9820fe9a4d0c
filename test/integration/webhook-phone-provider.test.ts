import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createWebhookPhoneProvider, signWebhookBody, verifyWebhookSignature } from '../../src/mfa/delivery/phone-provider.js';

interface Received {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A gateway on 127.0.0.1 that records requests and answers with the status the path names (`/status/503`). */
let server: Server;
let base: string;
const received: Received[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const status = /^\/status\/(\d{3})$/.exec(req.url ?? '')?.[1];
      if (req.url === '/slow') return void setTimeout(() => res.end('late'), 2_000);
      if (req.url === '/redirect') return void res.writeHead(307, { location: `${base}/status/200` }).end();
      res.writeHead(Number(status ?? 200)).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const msg = { to: '+14155550123', channel: 'sms', text: 'Your code is 123456', code: '123456' } as const;

function last(): Received {
  const r = received.at(-1);
  if (!r) throw new Error('nothing received');
  return r;
}

describe('createWebhookPhoneProvider', () => {
  it('POSTs the message as JSON with an HMAC-SHA256 signature of the body', async () => {
    const secret = 'webhook-secret';
    await createWebhookPhoneProvider({ url: `${base}/status/200`, secret, timeoutMs: 1000 }).send(msg);
    const r = last();
    expect(r.method).toBe('POST');
    expect(r.headers['content-type']).toBe('application/json');
    expect(JSON.parse(r.body)).toEqual(msg);
    const sig = r.headers['x-vigil-signature'] as string;
    expect(sig).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(secret, r.body, sig)).toBe(true);
    expect(verifyWebhookSignature('other-secret', r.body, sig)).toBe(false);
    expect(verifyWebhookSignature(secret, r.body.replace('123456', '123457'), sig)).toBe(false);
  });

  it('matches an independently computed HMAC (so receivers in other languages can check it)', () => {
    // HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog"), the widely published example.
    expect(signWebhookBody('key', 'The quick brown fox jumps over the lazy dog')).toBe(
      'sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8',
    );
  });

  it('sends no signature header without a secret', async () => {
    await createWebhookPhoneProvider({ url: `${base}/status/204`, timeoutMs: 1000 }).send({ ...msg, channel: 'voice' });
    expect(last().headers['x-vigil-signature']).toBeUndefined();
    expect(JSON.parse(last().body).channel).toBe('voice');
  });

  it('throws on a non-2xx answer, without the number or code in the message', async () => {
    for (const status of [400, 500, 503]) {
      const err = await createWebhookPhoneProvider({ url: `${base}/status/${status}`, timeoutMs: 1000 }).send(msg).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toBe(`phone webhook answered ${status}`);
    }
  });

  it('refuses to follow a redirect', async () => {
    const before = received.length;
    await expect(createWebhookPhoneProvider({ url: `${base}/redirect`, timeoutMs: 1000 }).send(msg)).rejects.toThrow();
    expect(received.length).toBe(before + 1);
  });

  it('gives up after timeoutMs', async () => {
    const started = performance.now();
    await expect(createWebhookPhoneProvider({ url: `${base}/slow`, timeoutMs: 100 }).send(msg)).rejects.toThrow();
    expect(performance.now() - started).toBeLessThan(1_500);
  });

  it('throws when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(createWebhookPhoneProvider({ url: `http://127.0.0.1:${port}/`, timeoutMs: 1000 }).send(msg)).rejects.toThrow();
  });
});
