import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashApiKey } from '../../src/http/auth.js';

/** What production requires of the Vigils a bench starts, made for the run and never kept. */
export interface BenchSecrets {
  /** The bench client's API key; the config holds only its hash. */
  apiKey: string;
  /** An admin key, for the details of /health/ready (which lists are loaded). */
  adminKey: string;
  deviceSecret: string;
  /** Factor-secret sealing key, required in production; the benches enroll no factor. */
  encryptionKeys: string;
  /** The ES256 key for MFA result tokens, written into the run's folder. */
  signingKeyPath: string;
}

export function makeBenchSecrets(dir: string): BenchSecrets {
  const signingKeyPath = join(dir, 'result-key.pem');
  writeFileSync(signingKeyPath, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
  return {
    apiKey: `vk_bench_${randomBytes(24).toString('base64url')}`,
    adminKey: `vk_bench_admin_${randomBytes(24).toString('base64url')}`,
    deviceSecret: randomBytes(32).toString('base64url'),
    encryptionKeys: `bench:${randomBytes(32).toString('base64')}`,
    signingKeyPath,
  };
}

/** The config file of a bench Vigil: one client (`bench`), one admin, the given lists, the signing key. */
export function benchFileConfig(s: BenchSecrets, lists: readonly { name: string; path: string; category: string }[] = []): Record<string, unknown> {
  return {
    clients: [{ id: 'bench', keyHash: hashApiKey(s.apiKey) }],
    admins: [{ id: 'bench-admin', keyHash: hashApiKey(s.adminKey) }],
    lists,
    mfa: { signingKeys: [{ kid: 'bench', privateKeyPath: s.signingKeyPath }] },
  };
}
