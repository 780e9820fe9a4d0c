import { createHash } from 'node:crypto';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { Logger } from 'pino';
import RedisParser from 'redis-parser';

/** A command argument. Numbers are sent in their decimal form. */
export type RespArg = string | number;

/** A RESP2 reply as redis-parser decodes it: bulk and simple strings, integers, nil, arrays. */
export type RespReply = string | number | null | RespReply[];

/** Where `REDIS_URL` points: `redis://` or `rediss://` (TLS), user and password, database number. */
export interface RedisEndpoint {
  host: string;
  port: number;
  tls: boolean;
  username: string | null;
  password: string | null;
  db: number;
}

/** The connection is not up, or went down before the command's reply: nothing is known of its outcome. */
export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
}

export function parseRedisUrl(url: string): RedisEndpoint {
  const u = new URL(url);
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new Error(`REDIS_URL must be redis:// or rediss://, not ${u.protocol}//`);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new Error(`REDIS_URL names database "${u.pathname.slice(1)}", not a number`);
  return {
    // URL keeps the brackets of an IPv6 literal; sockets want the bare address.
    host: u.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    tls: u.protocol === 'rediss:',
    username: u.username ? decodeURIComponent(u.username) : null,
    password: u.password ? decodeURIComponent(u.password) : null,
    db,
  };
}

/** A Lua script sent by its SHA-1 (`EVALSHA`), and in full once Redis answers that it does not know it. */
export class RespScript {
  readonly sha: string;

  constructor(readonly lua: string) {
    this.sha = createHash('sha1').update(lua).digest('hex');
  }
}

/** What waits for the replies of one `send` or `batch`, in the order the commands went out. */
interface Waiter {
  /** `performance.now()` when the commands were queued, for the stall check. */
  readonly atMs: number;
  settle(err: Error | null, reply: RespReply): void;
  /** The connection failed before the reply (called for each of a batch's commands left). */
  fail(err: Error): void;
}

class One implements Waiter {
  readonly atMs = performance.now();
  constructor(
    private readonly resolve: (reply: RespReply) => void,
    private readonly reject: (err: Error) => void,
  ) {}

  settle(err: Error | null, reply: RespReply): void {
    if (err) this.reject(err);
    else this.resolve(reply);
  }

  fail(err: Error): void {
    this.reject(err);
  }
}

/** The replies of a batch, in order; the first error reply rejects it once every reply is in. */
class Batch implements Waiter {
  readonly atMs = performance.now();
  readonly #replies: RespReply[] = [];
  #error: Error | null = null;

  constructor(
    private readonly size: number,
    private readonly resolve: (replies: RespReply[]) => void,
    private readonly reject: (err: Error) => void,
  ) {}

  settle(err: Error | null, reply: RespReply): void {
    if (err) this.#error ??= err;
    this.#replies.push(reply);
    if (this.#replies.length < this.size) return;
    if (this.#error) this.reject(this.#error);
    else this.resolve(this.#replies);
  }

  /** Rejects once, however many of its commands are left. */
  fail(err: Error): void {
    if (this.#replies.length < this.size) {
      this.#replies.length = this.size;
      this.reject(err);
    }
  }
}

export interface RespConnectionOptions {
  url: string;
  /** A reply later than this fails the connection: its commands reject, and it reconnects. */
  timeoutMs: number;
  logger: Logger;
  /** Its name in log lines. */
  name: string;
}

/** Wait before reconnect attempt `n`: 50 ms doubling to 2 s, for this and the ioredis clients alike. */
export const reconnectDelayMs = (n: number): number => Math.min(50 * 2 ** Math.min(n, 6), 2000);

/**
 * A Redis connection for the history store: the assessment path's load and commit, and the
 * failed-login counters. Commands are arrays of strings; every command of one event-loop turn
 * goes out in one socket write, and replies are parsed by redis-parser, the RESP parser ioredis
 * uses. It does what that path needs and nothing else, because that is where the CPU of an
 * assessment went: five plain commands through ioredis cost ~28 µs of a constant route's
 * ~140 µs under load, through this ~0 (bench/README.md, "What each optimisation moved").
 *
 * It fails fast: a command sent while the connection is down rejects at once with
 * {@link RedisUnavailableError}, so an assessment answers within its deadline instead of
 * queueing. When the oldest unanswered command is older than `timeoutMs`, the connection is
 * taken for stalled and dropped, failing what it carried; no timer is armed per command. It
 * reconnects by itself, for ever, with backoff. Other Redis work (MFA, IP lists, BullMQ) uses
 * ioredis (`src/history/redis.ts`).
 */
export class RespConnection {
  readonly #opts: RespConnectionOptions;
  readonly #endpoint: RedisEndpoint;
  #status: 'connecting' | 'ready' | 'closed' = 'connecting';
  #socket: Socket | null = null;
  /** Commands awaiting replies, oldest first from `#head`; Redis answers in order. */
  #waiting: (Waiter | undefined)[] = [];
  #head = 0;
  /** Encoded commands of this turn, written by `#flush` in `setImmediate`. */
  #out = '';
  #flushQueued = false;
  #attempt = 0;
  #retry: NodeJS.Timeout | null = null;
  readonly #watch: NodeJS.Timeout;
  #readyWaiters: (() => void)[] = [];
  #down = false;

  constructor(opts: RespConnectionOptions) {
    this.#opts = opts;
    this.#endpoint = parseRedisUrl(opts.url);
    this.#watch = setInterval(() => this.#checkStall(), Math.max(10, Math.floor(opts.timeoutMs / 2)));
    this.#watch.unref();
    this.#connect();
  }

  get status(): 'connecting' | 'ready' | 'closed' {
    return this.#status;
  }

  /** Resolves once the connection is (again) ready, or closed; for boot and tests. */
  ready(): Promise<void> {
    if (this.#status === 'ready') return Promise.resolve();
    return new Promise((resolve) => this.#readyWaiters.push(resolve));
  }

  /**
   * Send one command. Resolves with its reply; rejects with Redis's `ReplyError` for an error
   * reply, or with {@link RedisUnavailableError} when the connection is down or fails first.
   */
  send(args: readonly RespArg[]): Promise<RespReply> {
    if (this.#status !== 'ready') return Promise.reject(this.#unavailable());
    return new Promise((resolve, reject) => this.#queue(args, new One(resolve, reject)));
  }

  /**
   * Send several commands, written together; resolves with their replies in order, or rejects
   * with the first error reply (once all replies are in) or {@link RedisUnavailableError}.
   * One promise for them all, where a `send` each and `Promise.all` cost one per command more.
   */
  batch(commands: readonly (readonly RespArg[])[]): Promise<RespReply[]> {
    if (this.#status !== 'ready') return Promise.reject(this.#unavailable());
    return this.#batch(commands);
  }

  #batch(commands: readonly (readonly RespArg[])[]): Promise<RespReply[]> {
    if (commands.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      const waiter = new Batch(commands.length, resolve, reject);
      for (const args of commands) this.#queue(args, waiter);
    });
  }

  /** Run `script` over `keys` and `args`: EVALSHA, then EVAL once if Redis does not hold it. */
  async eval(script: RespScript, keys: readonly RespArg[], args: readonly RespArg[]): Promise<RespReply> {
    try {
      return await this.send(['EVALSHA', script.sha, keys.length, ...keys, ...args]);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return this.send(['EVAL', script.lua, keys.length, ...keys, ...args]);
    }
  }

  /** Close for good: pending commands reject, no reconnect. Safe to call twice. */
  close(): void {
    if (this.#status === 'closed') return;
    this.#status = 'closed';
    clearInterval(this.#watch);
    if (this.#retry) clearTimeout(this.#retry);
    this.#socket?.destroy();
    this.#socket = null;
    this.#failAll(new RedisUnavailableError(`Redis connection "${this.#opts.name}" closed`));
    for (const w of this.#readyWaiters.splice(0)) w();
  }

  #queue(args: readonly RespArg[], waiter: Waiter): void {
    let s = `*${args.length}\r\n`;
    for (const arg of args) {
      const v = typeof arg === 'string' ? arg : String(arg);
      s += `$${Buffer.byteLength(v)}\r\n${v}\r\n`;
    }
    this.#out += s;
    this.#waiting.push(waiter);
    if (!this.#flushQueued) {
      this.#flushQueued = true;
      setImmediate(this.#flush);
    }
  }

  // After the turn's I/O callbacks: every command issued in the turn leaves in one write.
  readonly #flush = (): void => {
    this.#flushQueued = false;
    const out = this.#out;
    this.#out = '';
    if (out && this.#socket) this.#socket.write(out);
  };

  #connect(): void {
    const { host, port, tls } = this.#endpoint;
    const socket = tls ? tlsConnect({ host, port, ...(isIP(host) ? {} : { servername: host }) }) : netConnect({ host, port });
    this.#socket = socket;
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 30_000);
    const parser = new RedisParser({
      returnReply: (reply) => this.#settle(null, reply as RespReply),
      returnError: (err) => this.#settle(err, null),
      returnFatalError: (err) => socket.destroy(err),
    });
    socket.on('data', (data: Buffer) => parser.execute(data));
    socket.once(tls ? 'secureConnect' : 'connect', () => this.#handshake());
    socket.on('error', (err) => {
      if (!this.#down) this.#opts.logger.warn({ err: err.message, connection: this.#opts.name }, 'redis connection error');
      this.#down = true;
    });
    socket.once('close', () => this.#onClose(socket));
  }

  /** AUTH and SELECT as the URL asks, then ready; they go first, so nothing else runs before them. */
  #handshake(): void {
    const { username, password, db } = this.#endpoint;
    const steps: RespArg[][] = [];
    if (password !== null) steps.push(username !== null ? ['AUTH', username, password] : ['AUTH', password]);
    if (db !== 0) steps.push(['SELECT', db]);
    const socket = this.#socket;
    this.#batch(steps).then(
      () => {
        if (this.#socket !== socket || this.#status === 'closed') return;
        if (this.#down) this.#opts.logger.info({ connection: this.#opts.name }, 'redis connection restored');
        this.#down = false;
        this.#attempt = 0;
        this.#status = 'ready';
        for (const w of this.#readyWaiters.splice(0)) w();
      },
      (err: Error) => {
        if (this.#socket !== socket) return;
        // Wrong credentials or database: loud once, then retried quietly with backoff.
        if (!this.#down) this.#opts.logger.error({ err: err.message, connection: this.#opts.name }, 'redis handshake failed');
        this.#down = true;
        socket?.destroy();
      },
    );
  }

  #settle(err: Error | null, reply: RespReply): void {
    const waiter = this.#waiting[this.#head];
    if (!waiter) {
      // A reply nothing waits for: the stream is out of step, and no later reply can be trusted.
      this.#socket?.destroy(new Error('reply without a command'));
      return;
    }
    this.#waiting[this.#head++] = undefined;
    if (this.#head === this.#waiting.length) {
      this.#waiting.length = 0;
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#waiting.length) {
      this.#waiting = this.#waiting.slice(this.#head);
      this.#head = 0;
    }
    waiter.settle(err, reply);
  }

  #checkStall(): void {
    const oldest = this.#waiting[this.#head];
    if (oldest && performance.now() - oldest.atMs > this.#opts.timeoutMs) {
      this.#socket?.destroy(new Error(`no reply within ${this.#opts.timeoutMs} ms`));
    }
  }

  #onClose(socket: Socket): void {
    if (this.#socket !== socket) return;
    this.#socket = null;
    this.#out = '';
    this.#failAll(new RedisUnavailableError(`Redis connection "${this.#opts.name}" lost before the reply`));
    if (this.#status === 'closed') return;
    this.#status = 'connecting';
    this.#down = true;
    this.#retry = setTimeout(() => {
      this.#retry = null;
      this.#connect();
    }, reconnectDelayMs(this.#attempt++));
  }

  #failAll(err: Error): void {
    const waiting = this.#waiting;
    const head = this.#head;
    this.#waiting = [];
    this.#head = 0;
    for (let i = head; i < waiting.length; i++) waiting[i]?.fail(err);
  }

  #unavailable(): RedisUnavailableError {
    return new RedisUnavailableError(`Redis connection "${this.#opts.name}" is ${this.#status}`);
  }
}
