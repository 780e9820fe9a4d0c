import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/redis-server.js';

const PING = fileURLToPath(new URL('../support/tls-ping.ts', import.meta.url));

/** `rediss://` in Vigil's Redis connections, against a redis-server serving TLS with a CA made here. */
describe('Redis over TLS', () => {
  let dir: string;
  let port: number;
  let redis: ChildProcess;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-tls-'));
    const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
    ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=Vigil test CA');
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'srv.key', '-out', 'srv.csr', '-subj', '/CN=localhost');
    writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
    ssl('x509', '-req', '-in', 'srv.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'srv.crt', '-days', '1', '-extfile', 'ext.cnf');
    port = await freePort();
    redis = spawn(
      'redis-server',
      ['--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1', '--tls-cert-file', 'srv.crt', '--tls-key-file', 'srv.key', '--tls-ca-cert-file', 'ca.crt', '--tls-auth-clients', 'no', '--save', '', '--appendonly', 'no'],
      { cwd: dir, stdio: 'ignore' },
    );
    // Ready once it accepts TCP connections on the TLS port.
    const until = Date.now() + 5000;
    for (;;) {
      const up = await new Promise<boolean>((resolve) => {
        const s = createServer();
        s.once('error', () => resolve(true));
        s.listen(port, '127.0.0.1', () => s.close(() => resolve(false)));
      });
      if (up) break;
      if (Date.now() > until) throw new Error('redis-server with TLS did not start');
      await new Promise((r) => setTimeout(r, 20));
    }
  });
  afterAll(() => {
    redis?.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  const ping = (url: string, trustCa: boolean) =>
    execFileSync(process.execPath, ['--import', 'tsx', PING, url], {
      encoding: 'utf8',
      env: { ...process.env, NODE_EXTRA_CA_CERTS: trustCa ? join(dir, 'ca.crt') : '' },
    });

  it('talks to Redis over TLS, checking the certificate against the host name or address', () => {
    expect(ping(`rediss://localhost:${port}`, true)).toBe('PONG');
    expect(ping(`rediss://127.0.0.1:${port}`, true)).toBe('PONG');
  });

  it('refuses a server whose certificate no trusted CA signed', () => {
    expect(ping(`rediss://localhost:${port}`, false)).toBe('unavailable');
  });
});
