import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { hashApiKey } from '../../src/http/auth.js';

/** The settings of docs/security.md (items 3, 5, 6): their defaults and their refusals. */
const PRODUCTION = {
  NODE_ENV: 'production',
  VIGIL_DEVICE_SECRET: 's'.repeat(32),
  VIGIL_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
};

function configError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig: exposure and slow clients', () => {
  it('defaults: 10 s request timeout, /metrics open on PORT, /docs on outside production, 10 authenticators per user', () => {
    const c = loadConfig({});
    expect(c.requestTimeoutMs).toBe(10_000);
    expect(c.metricsEndpoint).toEqual({ keyHash: null, port: null });
    expect(c.docs).toBe(true);
    expect(c.mfa.maxAuthenticatorsPerUser).toBe(10);
    expect(loadConfig({ NODE_ENV: 'test' }).docs).toBe(true);
  });

  it('switches /docs off in production unless VIGIL_DOCS turns it on', () => {
    expect(loadConfig(PRODUCTION).docs).toBe(false);
    expect(loadConfig({ ...PRODUCTION, VIGIL_DOCS: 'true' }).docs).toBe(true);
    expect(loadConfig({ VIGIL_DOCS: '0' }).docs).toBe(false);
    expect(configError(() => loadConfig({ VIGIL_DOCS: 'yes' }))).toContain('VIGIL_DOCS');
  });

  it('takes a metrics key as its hash only, and a metrics port apart from PORT', () => {
    const hash = hashApiKey('vk_metrics');
    expect(loadConfig({ VIGIL_METRICS_KEY_HASH: hash, VIGIL_METRICS_PORT: '9464' }).metricsEndpoint).toEqual({ keyHash: hash, port: 9464 });
    expect(configError(() => loadConfig({ VIGIL_METRICS_KEY_HASH: 'vk_metrics' }))).toContain('VIGIL_METRICS_KEY_HASH');
    expect(configError(() => loadConfig({ PORT: '9464', VIGIL_METRICS_PORT: '9464' }))).toContain('VIGIL_METRICS_PORT must differ from PORT');
    expect(configError(() => loadConfig({ VIGIL_METRICS_PORT: '0' }))).toContain('VIGIL_METRICS_PORT');
  });

  it('bounds the request timeout and the authenticator cap', () => {
    expect(loadConfig({ VIGIL_REQUEST_TIMEOUT_MS: '2500' }).requestTimeoutMs).toBe(2500);
    expect(configError(() => loadConfig({ VIGIL_REQUEST_TIMEOUT_MS: '50' }))).toContain('VIGIL_REQUEST_TIMEOUT_MS');
    expect(loadConfig({}, { mfa: { maxAuthenticatorsPerUser: 3 } }).mfa.maxAuthenticatorsPerUser).toBe(3);
    expect(configError(() => loadConfig({}, { mfa: { maxAuthenticatorsPerUser: 0 } }))).toContain('mfa.maxAuthenticatorsPerUser');
  });
});
