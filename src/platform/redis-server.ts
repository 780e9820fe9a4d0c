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

/**
 * Start `redis-server` on a free port and wait until it answers, as itself: the port was free
 * when picked, but another process's server (a test file running beside this one) can take it
 * first, answer in its place and share its data. Then this one exits, and another port is tried.
 */
export async function startRedisServer(opts: RedisServerOptions = {}): Promise<RedisServer> {
  for (let attempt = 1; ; attempt++) {
    const server = redisServerOn(await freePort(), opts);
    try {
      await server.start();
      return server;
    } catch (err) {
      await server.stop();
      if (!(err instanceof PortTaken) || attempt === 5) throw err;
    }
  }
}

/** What `start` throws when another process's server answers on the port, or this one exited before answering. */
export class PortTaken extends Error {}

/** A server on `port`, not started yet (`startRedisServer` picks the port). */
export function redisServerOn(port: number, opts: RedisServerOptions = {}): RedisServer {
  let proc: ChildProcess | null = null;
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  if (opts.debugCommand) args.push('--enable-debug-command', 'local');

  const start = async () => {
    proc = spawn('redis-server', args, { stdio: 'ignore' });
    await answeringAsItself(proc, port, opts.readyTimeoutMs);
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

/**
 * Resolves once the `redis-server` (or Sentinel) process `p`, started on `port`, answers there;
 * rejects with PortTaken when another process answers or `p` exits first. For every throwaway
 * server: this module's, and the test run's Sentinel and Cluster nodes.
 */
export function answeringAsItself(p: ChildProcess, port: number, timeoutMs = 5000): Promise<void> {
  const failed = new Promise<never>((_, reject) => {
    p.once('error', (err) => reject(new Error(`cannot run redis-server (is it installed? apt-get install redis-server): ${err.message}`)));
    p.once('exit', (code) => reject(new PortTaken(`redis-server on port ${port} exited (code ${code}) before answering`)));
  });
  failed.catch(() => {});
  return Promise.race([waitForOwnPid(port, p.pid!, timeoutMs), failed]);
}

/**
 * Poll `INFO server` over a bare TCP connection (nothing else is needed) until the server on
 * `port` answers with process id `pid`; a PortTaken error when another process answers.
 */
async function waitForOwnPid(port: number, pid: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const answered = await serverPid(port);
    if (answered === pid) return;
    if (answered !== null) throw new PortTaken(`port ${port} is taken by another redis-server (pid ${answered})`);
    if (Date.now() > until) throw new Error(`redis-server on ${port} did not start within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The `process_id` of the Redis answering on `port`, or null when none answers (yet). */
function serverPid(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let reply = '';
    const done = (pid: number | null) => {
      socket.destroy();
      resolve(pid);
    };
    socket.setTimeout(500, () => done(null));
    socket.on('error', () => done(null));
    socket.on('connect', () => socket.write('INFO server\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      // A bulk reply, `$<length>\r\n<text>\r\n`; a server still loading answers an error line.
      if (reply.startsWith('-') && reply.includes('\r\n')) return done(null);
      const pid = /\r\nprocess_id:(\d+)\r\n/.exec(reply);
      if (pid) done(Number(pid[1]));
    });
  });
}
