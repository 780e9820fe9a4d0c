import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { freePort } from './free-port.js';

/**
 * A throwaway `redis-server` on a free loopback port, owned by whoever started it: the test
 * run and `vigil replay` (src/evaluate/replay/cli.ts). Never the Redis on 6379, which may hold
 * someone's data. No persistence: it starts empty and leaves nothing on disk.
 */
export interface RedisServer {
  port: number;
  url: string;
  /** Stop the server (SIGTERM) and wait until it exited. Idempotent. */
  stop(): Promise<void>;
  /** Start it again on the same port, empty. */
  start(): Promise<void>;
  /** SIGKILL without waiting, for a process `exit` handler (which cannot wait). */
  killNow(): void;
}

export interface RedisServerOptions {
  /** Allow `DEBUG` from loopback (tests stall the server with `DEBUG SLEEP`). Default false. */
  debugCommand?: boolean;
  /** How long to wait for the first PONG, ms. Default 5000. */
  readyTimeoutMs?: number;
}

/** Start `redis-server` on a free port and wait until it answers PING. */
export async function startRedisServer(opts: RedisServerOptions = {}): Promise<RedisServer> {
  const port = await freePort();
  let proc: ChildProcess | null = null;
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  if (opts.debugCommand) args.push('--enable-debug-command', 'local');

  const start = async () => {
    const p = spawn('redis-server', args, { stdio: 'ignore' });
    proc = p;
    const failed = new Promise<never>((_, reject) => {
      p.once('error', (err) => reject(new Error(`cannot run redis-server (is it installed? apt-get install redis-server): ${err.message}`)));
      p.once('exit', (code) => reject(new Error(`redis-server on port ${port} exited (code ${code}) before answering`)));
    });
    failed.catch(() => {});
    await Promise.race([waitForPong(port, opts.readyTimeoutMs ?? 5000), failed]);
  };
  const stop = async () => {
    const p = proc;
    proc = null;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGTERM');
    });
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    start,
    stop,
    killNow() {
      if (proc && proc.exitCode === null) proc.kill('SIGKILL');
    },
  };
}

/** Poll with a bare `PING` over TCP until `+PONG` (no client library: nothing else is needed). */
async function waitForPong(port: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await pingOnce(port)) return;
    if (Date.now() > until) throw new Error(`redis-server on ${port} did not start within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function pingOnce(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}
