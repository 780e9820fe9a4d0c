import { createServer, type Server, type Socket } from 'node:net';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisUnavailableError, RespConnection, RespScript, parseRedisUrl } from '../../src/history/resp-connection.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';

const logger = pino({ level: 'silent' });

/** The history store's connection (`src/history/resp-connection.ts`) against a real redis-server. */
describe('RespConnection on a real Redis', () => {
  let server: TestRedis;
  let observer: Redis;
  const open: RespConnection[] = [];
  const connect = async (url = server.url, timeoutMs = 2000) => {
    const c = new RespConnection({ url, timeoutMs, logger, name: 'test' });
    open.push(c);
    await c.ready();
    return c;
  };

  beforeAll(async () => {
    server = await startTestRedis();
    observer = server.client();
  });
  afterEach(() => {
    for (const c of open.splice(0)) c.close();
  });
  afterAll(async () => {
    await server.stop();
  });

  const reads = async () => Number(/total_reads_processed:(\d+)/.exec(await observer.info('stats'))?.[1]);

  it('sends the commands of one event-loop turn in one write, each with its own reply, in order', async () => {
    const c = await connect();
    await c.send(['SET', 'k7', 'seven']);
    // Let the server see out the start's probe connection: its closing read would count here.
    await reads();
    await new Promise((r) => setTimeout(r, 50));
    const before = await reads();
    const replies = await Promise.all(Array.from({ length: 200 }, (_, i) => c.send(['GET', `k${i}`])));
    // One read is the observer's own INFO.
    expect((await reads()) - before - 1).toBe(1);
    expect(replies[7]).toBe('seven');
    expect(replies.filter((r) => r === null)).toHaveLength(199);
  });

  it('decodes every reply type, and sends numbers and UTF-8 as Redis stores them', async () => {
    const c = await connect();
    expect(await c.send(['PING'])).toBe('PONG');
    expect(await c.send(['HSET', 'h', 'città', 'Zürich', 'n', 3])).toBe(2);
    expect(await c.send(['HGETALL', 'h'])).toEqual(['città', 'Zürich', 'n', '3']);
    expect(await observer.hget('h', 'città')).toBe('Zürich');
    expect(await c.send(['HINCRBY', 'h', 'n', -5])).toBe(-2);
    expect(await c.send(['HGET', 'h', 'missing'])).toBeNull();
    expect(await c.send(['EVAL', "return {1, 'a', {false}, redis.call('GET', 'nope')}", 0])).toEqual([1, 'a', [null], null]);
  });

  it('rejects an error reply with Redis\'s message, and goes on with the next command', async () => {
    const c = await connect();
    await c.send(['SET', 's', 'x']);
    const [bad, good] = await Promise.allSettled([c.send(['HGET', 's', 'f']), c.send(['GET', 's'])]);
    expect(bad.status).toBe('rejected');
    expect((bad as PromiseRejectedResult).reason.message).toMatch(/^WRONGTYPE/);
    expect(good).toEqual({ status: 'fulfilled', value: 'x' });
  });

  it('sends a batch together and answers it in order; an error reply rejects it without putting later replies out of step', async () => {
    const c = await connect();
    await c.send(['SET', 'str', 'v']);
    const before = await reads();
    expect(await c.batch([['SET', 'b1', '1'], ['INCR', 'b1'], ['GET', 'b1'], ['GET', 'none']])).toEqual(['OK', 2, '2', null]);
    expect((await reads()) - before - 1).toBe(1);
    await expect(c.batch([['INCR', 'b1'], ['HGET', 'str', 'f'], ['INCR', 'b1']])).rejects.toThrow(/^WRONGTYPE/);
    // Both INCRs ran, and the next command gets its own reply.
    expect(await c.send(['GET', 'b1'])).toBe('4');
    expect(await c.batch([])).toEqual([]);
  });

  it('rejects a batch once when the connection fails before its replies', async () => {
    const c = await connect(server.url, 100);
    const settled = await Promise.allSettled([c.batch([['DEBUG', 'SLEEP', '0.4'], ['PING'], ['PING']])]);
    expect(settled).toEqual([{ status: 'rejected', reason: expect.any(RedisUnavailableError) }]);
    await new Promise((r) => setTimeout(r, 400));
    await c.ready();
    expect(await c.batch([['PING']])).toEqual(['PONG']);
  });

  it('runs a script by its SHA-1, loading it once when Redis does not know it', async () => {
    const c = await connect();
    const script = new RespScript("return redis.call('INCRBY', KEYS[1], ARGV[1])");
    await observer.script('FLUSH');
    expect(await c.eval(script, ['counter'], [2])).toBe(2);
    expect(await observer.script('EXISTS', script.sha)).toEqual([1]);
    await observer.config('RESETSTAT');
    expect(await c.eval(script, ['counter'], [3])).toBe(5);
    const stats = await observer.info('commandstats');
    expect(stats).toMatch(/cmdstat_evalsha:calls=1,/);
    expect(stats).not.toMatch(/cmdstat_eval:/);
  });

  it('authenticates and selects the database the URL names', async () => {
    await observer.config('SET', 'requirepass', 'hunter2');
    try {
      const c = await connect(`redis://:hunter2@127.0.0.1:${server.port}/3`);
      await c.send(['SET', 'in-three', '1']);
      await observer.auth('hunter2');
      await observer.select(3);
      expect(await observer.get('in-three')).toBe('1');
      await observer.select(0);
    } finally {
      await observer.config('SET', 'requirepass', '');
    }
  });

  it('fails fast while Redis is down, and reconnects by itself', async () => {
    const c = await connect();
    await c.send(['SET', 'before', '1']);
    await server.stop();
    await new Promise((r) => setTimeout(r, 20));
    expect(c.status).toBe('connecting');
    const started = performance.now();
    await expect(c.send(['GET', 'before'])).rejects.toBeInstanceOf(RedisUnavailableError);
    expect(performance.now() - started).toBeLessThan(20);
    await server.start();
    await c.ready();
    observer = server.client();
    expect(await c.send(['GET', 'before'])).toBeNull(); // a new, empty server
  });

  it('drops a connection whose replies stop coming, without a timer per command, and reconnects', async () => {
    const c = await connect(server.url, 100);
    const stalled = c.send(['DEBUG', 'SLEEP', '0.5']);
    const behind = c.send(['GET', 'x']);
    const started = performance.now();
    await expect(stalled).rejects.toBeInstanceOf(RedisUnavailableError);
    await expect(behind).rejects.toBeInstanceOf(RedisUnavailableError);
    expect(performance.now() - started).toBeLessThan(400);
    // Let the sleep end, or the reconnected connection's first command stalls the same way.
    await new Promise((r) => setTimeout(r, 500));
    await c.ready();
    expect(await c.send(['PING'])).toBe('PONG');
  });

  it('rejects everything pending on close, and stays closed', async () => {
    const c = await connect();
    const pending = c.send(['DEBUG', 'SLEEP', '0.2']);
    c.close();
    c.close();
    await expect(pending).rejects.toBeInstanceOf(RedisUnavailableError);
    await expect(c.send(['PING'])).rejects.toBeInstanceOf(RedisUnavailableError);
    expect(c.status).toBe('closed');
  });
});

describe('RespConnection against a peer that breaks the protocol', () => {
  let peer: Server;
  let port: number;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    // Answers every PING with two replies: one too many.
    peer = createServer((s) => {
      sockets.push(s);
      s.on('data', () => s.write('+PONG\r\n+PONG\r\n'));
    });
    await new Promise<void>((resolve) => peer.listen(0, '127.0.0.1', resolve));
    port = (peer.address() as { port: number }).port;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => peer.close(resolve));
  });

  it('drops the connection at a reply nothing waits for, rather than hand it to the next command', async () => {
    const c = new RespConnection({ url: `redis://127.0.0.1:${port}`, timeoutMs: 1000, logger, name: 'test' });
    try {
      await c.ready();
      expect(await c.send(['PING'])).toBe('PONG');
      // The extra reply drops the connection; the client comes back on a new one.
      const until = Date.now() + 2000;
      while (sockets.length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
      expect(sockets).toHaveLength(2);
      expect(sockets[0]!.destroyed).toBe(true);
    } finally {
      c.close();
    }
  });
});

describe('parseRedisUrl', () => {
  it('reads host, port, TLS, credentials and database', () => {
    expect(parseRedisUrl('redis://127.0.0.1:6380')).toEqual({ host: '127.0.0.1', port: 6380, tls: false, username: null, password: null, db: 0 });
    expect(parseRedisUrl('rediss://app:p%40ss@cache.example:6390/2')).toEqual({
      host: 'cache.example',
      port: 6390,
      tls: true,
      username: 'app',
      password: 'p@ss',
      db: 2,
    });
    expect(parseRedisUrl('redis://[::1]')).toMatchObject({ host: '::1', port: 6379 });
  });

  it('refuses what it cannot connect to', () => {
    expect(() => parseRedisUrl('http://127.0.0.1')).toThrow(/redis:\/\/ or rediss:\/\//);
    expect(() => parseRedisUrl('redis://127.0.0.1/x')).toThrow(/database "x"/);
  });
});
