import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Child processes of a bench run (Vigil, the bare baseline server) and what /proc says about
 * them. The bench runs from `dist/` (built JavaScript, as `npm run bench` does) or from the
 * TypeScript sources under tsx (the smoke test); children run the same way.
 */

const FROM_DIST = import.meta.url.endsWith('.js');

/**
 * Node flags Vigil runs with in production (`npm start`, the Dockerfile): a 16 MB semi-space.
 * Every assessment allocates short-lived objects (bodies, Redis replies, answers); 64 MB paid
 * off while ioredis pipelines kept many of them alive, and with them gone 16 MB measured
 * faster over sockets and ~70 MB smaller (bench/README.md, "What each optimisation moved").
 */
export const VIGIL_NODE_FLAGS = ['--max-semi-space-size=16'];

/** `node` arguments to run a module given relative to `bench/` (without extension). */
export function nodeArgs(relative: string): string[] {
  const file = fileURLToPath(new URL(`../${relative}${FROM_DIST ? '.js' : '.ts'}`, import.meta.url));
  return FROM_DIST ? [file] : ['--import', 'tsx', file];
}

export interface Child {
  proc: ChildProcess;
  pid: number;
  /** Ask it to stop (SIGTERM) and wait for the exit. */
  stop(): Promise<void>;
}

/**
 * The environment for a server the bench starts: this process's, without Vigil's own
 * settings, plus `env`. Vigil's settings come only from `env`, never from the shell that
 * started the bench.
 */
export function childEnv(env: Record<string, string>): Record<string, string> {
  const inherited = Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined && !/^(VIGIL_|GEOIP_|REDIS_|NODE_ENV$|PORT$|HOST$|LOG_LEVEL$)/.test(e[0]));
  return { ...Object.fromEntries(inherited), ...env };
}

/** Start `node <args>` with `env`; stdout goes to `logPath`, stderr is kept for error messages. */
export function startNode(args: string[], env: Record<string, string>, logPath: string): Child & { stderr(): string } {
  const proc = spawn(process.execPath, args, { env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout!.pipe(createWriteStream(logPath, { flags: 'a' }));
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => {
    err = (err + d.toString()).slice(-8000);
  });
  return {
    proc,
    pid: proc.pid!,
    stderr: () => err,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
        const kill = setTimeout(() => proc.kill('SIGKILL'), 10_000);
        proc.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        proc.kill('SIGTERM');
      }),
  };
}

/** Poll `url` until it answers 200, the child exits, or `timeoutMs` passes. */
export async function waitHttp(url: string, child: Child & { stderr(): string }, timeoutMs = 120_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (child.proc.exitCode !== null) throw new Error(`server exited (${child.proc.exitCode}) before it was ready:\n${child.stderr()}`);
    try {
      const res = await fetch(url);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`${url} not ready after ${timeoutMs} ms:\n${child.stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const TICK_SEC = 0.01; // USER_HZ is 100 on Linux

function statOf(pid: number): { ppid: number; cpuSec: number; sysSec: number } | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may contain spaces: state ppid ... utime(14) stime(15).
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(f[1]), cpuSec: (Number(f[11]) + Number(f[12])) * TICK_SEC, sysSec: Number(f[12]) * TICK_SEC };
  } catch {
    return null;
  }
}

/** `pid` and its direct children (cluster workers). */
export function processTree(pid: number): number[] {
  const out = [pid];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const st = statOf(Number(name));
    if (st?.ppid === pid) out.push(Number(name));
  }
  return out;
}

/** What `pids` together have used so far: CPU seconds (user + sys, 10 ms resolution), of them in the kernel, and read/write system calls. */
export interface Usage {
  cpuSec: number;
  sysSec: number;
  /** `syscr` + `syscw` of /proc/PID/io. */
  syscalls: number;
}

/** One reading of {@link Usage} for `pid` and its children; a process gone counts nothing. */
export function usage(pids: readonly number[]): Usage {
  const u: Usage = { cpuSec: 0, sysSec: 0, syscalls: 0 };
  for (const p of pids) {
    const st = statOf(p);
    u.cpuSec += st?.cpuSec ?? 0;
    u.sysSec += st?.sysSec ?? 0;
    try {
      const io = readFileSync(`/proc/${p}/io`, 'utf8');
      u.syscalls += Number(/^syscr: (\d+)/m.exec(io)?.[1] ?? 0) + Number(/^syscw: (\d+)/m.exec(io)?.[1] ?? 0);
    } catch {
      // gone, or not readable
    }
  }
  return u;
}

/** Resident set size of `pids` together, bytes. */
export function rssBytes(pids: readonly number[]): number {
  let total = 0;
  for (const p of pids) {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      total += Number(m?.[1] ?? 0) * 1024;
    } catch {
      // gone
    }
  }
  return total;
}

/** 1-minute load average, from /proc/loadavg. */
export function loadAverage(): number[] {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
  } catch {
    return [];
  }
}
