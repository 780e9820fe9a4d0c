import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ensureApiClient } from '../../src/http/api-clients.js';
import { ConfigError, DEV_DEVICE_SECRET, loadConfig } from '../../src/config.js';
import { hashApiKey } from '../../src/http/auth.js';

const KEY_HASH = hashApiKey('k');
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

describe('loadConfig: familiarity and the ASN database', () => {
  it('defaults to the documented model (docs/risk-model.md §6)', () => {
    const c = loadConfig({});
    expect(c.geo.asnPath).toBeNull();
    expect(c.familiarity).toEqual({
      windowDays: 180,
      maxValuesPerFeature: 8,
      maxPlaces: 6,
      placeMergeKm: 50,
      populationMaxValues: 100_000,
      smoothing: 'reference',
      maxCreditRatio: 20,
      minPopulation: 1000,
      weights: { ip: 0.35, subnet: 0.25, asn: 0.3, city: 0.05, country: 0.05, ua: 0.5387, browser: 0.268, os: 0.1882, deviceType: 0.0051, device: 1 },
      thresholds: { familiarMaxNats: 0, unfamiliarMinNats: 1 },
    });
    // Within the network and agent groups the reference's weights sum to 1.
    const w = c.familiarity.weights;
    expect(w.ip + w.subnet + w.asn + w.city + w.country).toBeCloseTo(1, 12);
    expect(w.ua + w.browser + w.os + w.deviceType).toBeCloseTo(1, 12);
  });

  it('reads GEOIP_ASN_PATH and overrides from the file', () => {
    const c = loadConfig({ GEOIP_ASN_PATH: '/data/GeoLite2-ASN.mmdb' }, { familiarity: { smoothing: 'witten-bell', weights: { device: 0.5 } } });
    expect(c.geo.asnPath).toBe('/data/GeoLite2-ASN.mmdb');
    expect(c.familiarity.smoothing).toBe('witten-bell');
    expect(c.familiarity.weights).toMatchObject({ device: 0.5, ip: 0.35 });
  });

  it('refuses bands in the wrong order, unknown features and bounds past the profile format', () => {
    expect(configError(() => loadConfig({}, { familiarity: { thresholds: { familiarMaxNats: 2, unfamiliarMinNats: 1 } } }))).toMatch(
      /familiarMaxNats must be below unfamiliarMinNats/,
    );
    expect(configError(() => loadConfig({}, { familiarity: { weights: { mac: 1 } } }))).toMatch(/familiarity\.weights/);
    expect(configError(() => loadConfig({}, { familiarity: { maxValuesPerFeature: 64 } }))).toMatch(/maxValuesPerFeature/);
    expect(configError(() => loadConfig({}, { familiarity: { maxCreditRatio: 0.5 } }))).toMatch(/maxCreditRatio/);
  });
});

describe('loadConfig', () => {
  it('serves with sensible defaults from an empty environment', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      env: 'development',
      host: '127.0.0.1',
      port: 3000,
      redis: { url: 'redis://127.0.0.1:6379', keyPrefix: 'vigil:' },
      assessDeadlineMs: 250,
      failOpen: false,
      deviceSecret: DEV_DEVICE_SECRET,
      deviceSecretIsDefault: true,
    });
    expect(c.applications.default).toEqual({ mfaPolicy: 'adaptive', challengeOn: ['low'], enrollment: 'optional', rememberBrowserDays: 0 });
    expect(c.assessors.deviceTrustDays).toBe(30);
    expect(c.assessors.travel.maxSpeedKmh).toBe(1000);
    expect(c.combiner.bands).toEqual({ low: 0.6, medium: 0.3 });
  });

  it('runs one process unless VIGIL_WORKERS asks for more, up to 64', () => {
    expect(loadConfig({}).workers).toBe(1);
    expect(loadConfig({ VIGIL_WORKERS: '4' }).workers).toBe(4);
    expect(configError(() => loadConfig({ VIGIL_WORKERS: '0' }))).toContain('VIGIL_WORKERS');
    expect(configError(() => loadConfig({ VIGIL_WORKERS: '65' }))).toContain('VIGIL_WORKERS');
  });

  it('lists every bad environment variable by name', () => {
    const msg = configError(() => loadConfig({ PORT: 'eighty', REDIS_URL: 'not a url', VIGIL_ASSESS_DEADLINE_MS: '0' }));
    expect(msg).toContain('PORT');
    expect(msg).toContain('REDIS_URL');
    expect(msg).toContain('VIGIL_ASSESS_DEADLINE_MS');
  });

  it('takes redis:// and rediss:// URLs for REDIS_URL, and nothing else', () => {
    expect(loadConfig({ REDIS_URL: 'rediss://user:pw@cache.example:6380/2' }).redis).toMatchObject({ mode: 'single', url: 'rediss://user:pw@cache.example:6380/2' });
    expect(configError(() => loadConfig({ REDIS_URL: 'http://127.0.0.1:6379' }))).toMatch(/REDIS_URL.*redis:\/\/ or rediss:\/\//);
  });

  it('takes a Redis Cluster by its seed nodes, with credentials and TLS for every node', () => {
    expect(loadConfig({ REDIS_CLUSTER_NODES: '10.0.0.1:7000, redis-b.internal:7001,[::1]:7002' }).redis).toEqual({
      mode: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: 'redis-b.internal', port: 7001 },
        { host: '::1', port: 7002 },
      ],
      username: null,
      password: null,
      tls: false,
      keyPrefix: 'vigil:',
      timeoutMs: 200,
    });
    expect(loadConfig({ REDIS_CLUSTER_NODES: 'a:1', REDIS_USERNAME: 'vigil', REDIS_PASSWORD: 'pw', REDIS_TLS: 'true' }).redis).toMatchObject({
      username: 'vigil',
      password: 'pw',
      tls: true,
    });
    expect(configError(() => loadConfig({ REDIS_CLUSTER_NODES: 'a:1,b' }))).toMatch(/REDIS_CLUSTER_NODES: "b" is not host:port/);
    expect(configError(() => loadConfig({ REDIS_CLUSTER_NODES: 'a:70000' }))).toMatch(/"a:70000" is not host:port/);
    expect(configError(() => loadConfig({ REDIS_CLUSTER_NODES: 'a:1', REDIS_DB: '2' }))).toMatch(/REDIS_DB does not apply to a Redis Cluster/);
  });

  it('takes Sentinels with the name of their master group, and the Sentinels\' own password', () => {
    expect(loadConfig({ REDIS_SENTINELS: 's1:26379,s2:26379', REDIS_SENTINEL_NAME: 'vigil', REDIS_SENTINEL_PASSWORD: 'spw', REDIS_PASSWORD: 'pw', REDIS_DB: '3' }).redis).toEqual({
      mode: 'sentinel',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26379 },
      ],
      name: 'vigil',
      username: null,
      password: 'pw',
      sentinelPassword: 'spw',
      tls: false,
      db: 3,
      keyPrefix: 'vigil:',
      timeoutMs: 200,
    });
    expect(configError(() => loadConfig({ REDIS_SENTINELS: 's1:26379' }))).toMatch(/REDIS_SENTINELS needs REDIS_SENTINEL_NAME/);
  });

  it('takes exactly one Redis mode, and refuses settings that do not apply to it', () => {
    expect(configError(() => loadConfig({ REDIS_URL: 'redis://a:1', REDIS_CLUSTER_NODES: 'b:2' }))).toMatch(/set one of .*not REDIS_URL and REDIS_CLUSTER_NODES/);
    expect(configError(() => loadConfig({ REDIS_CLUSTER_NODES: 'b:2', REDIS_SENTINELS: 'c:3', REDIS_SENTINEL_NAME: 'm' }))).toMatch(/not REDIS_CLUSTER_NODES and REDIS_SENTINELS/);
    // A single node's credentials and TLS live in its URL, so a stray variable is a mistake, not a default.
    expect(configError(() => loadConfig({ REDIS_PASSWORD: 'pw' }))).toMatch(/REDIS_PASSWORD does not apply to REDIS_URL.*rediss:\/\/user:password@host/);
    expect(configError(() => loadConfig({ REDIS_URL: 'redis://a:1', REDIS_SENTINEL_NAME: 'm' }))).toMatch(/REDIS_SENTINEL_NAME does not apply without REDIS_SENTINELS/);
  });

  it('rejects unknown override codes and names the known ones', () => {
    const msg = configError(() => loadConfig({}, { overrides: { NewDevice: { no_such_code: 'low' } } }));
    expect(msg).toContain('overrides.NewDevice.no_such_code');
    expect(msg).toContain('partial_match');
  });

  it('rejects a key hash that is not sha256 hex, and unknown keys', () => {
    expect(configError(() => loadConfig({}, { clients: [{ id: 'a', keyHash: 'plaintext-key' }] }))).toContain('clients.0.keyHash');
    expect(configError(() => loadConfig({}, { clinets: [] }))).toMatch(/clinets/);
  });

  it('rejects duplicate client ids and references to unknown applications', () => {
    const dup = { clients: [{ id: 'a', keyHash: KEY_HASH }, { id: 'a', keyHash: KEY_HASH }] };
    expect(configError(() => loadConfig({}, dup))).toContain('"a" appears twice');
    const badApp = { clients: [{ id: 'a', keyHash: KEY_HASH, applications: ['nope'] }] };
    expect(configError(() => loadConfig({}, badApp))).toContain('unknown application "nope"');
  });

  it('rejects bands where medium exceeds low', () => {
    expect(configError(() => loadConfig({}, { combiner: { bands: { low: 0.2, medium: 0.5 } } }))).toContain('bands');
  });

  it('always has a default application, even when the file names only others', () => {
    const c = loadConfig({}, { applications: { admin: { mfaPolicy: 'always' } } });
    expect(c.applications.admin?.mfaPolicy).toBe('always');
    expect(c.applications.default?.mfaPolicy).toBe('adaptive');
  });

  it('requires a device secret and encryption keys in production', () => {
    expect(configError(() => loadConfig({ NODE_ENV: 'production' }))).toContain('VIGIL_DEVICE_SECRET');
    expect(configError(() => loadConfig({ NODE_ENV: 'production', VIGIL_DEVICE_SECRET: 's'.repeat(32) }))).toContain(
      'VIGIL_ENCRYPTION_KEYS',
    );
    const c = loadConfig(PRODUCTION);
    expect(c.deviceSecretIsDefault).toBe(false);
    expect(c.encryptionKeyIsDefault).toBe(false);
    expect(c.encryptionKeys).toEqual([{ kid: 'k1', key: Buffer.alloc(32, 7) }]);
  });

  it('rejects encryption keys that are not 32 bytes or lack a key id', () => {
    expect(configError(() => loadConfig({ VIGIL_ENCRYPTION_KEYS: `k1:${Buffer.alloc(16).toString('base64')}` }))).toContain('32 bytes');
    expect(configError(() => loadConfig({ VIGIL_ENCRYPTION_KEYS: Buffer.alloc(32).toString('base64') }))).toContain('kid');
  });

  it('reads the file named by VIGIL_CONFIG, and says so when it is missing or not JSON', () => {
    const c = loadConfig({ VIGIL_CONFIG: 'examples/vigil.json' });
    expect(c.clients.map((x) => x.id)).toEqual(['web-login', 'ropg']);
    expect(c.applications['admin-console']?.enrollment).toBe('required');
    expect(configError(() => loadConfig({ VIGIL_CONFIG: 'examples/missing.json' }))).toContain('Cannot read');
    expect(configError(() => loadConfig({ VIGIL_CONFIG: 'README.md' }))).toContain('not valid JSON');
  });

  it('lets VIGIL_FAIL_OPEN override the file', () => {
    expect(loadConfig({ VIGIL_FAIL_OPEN: 'true' }, { failOpen: false }).failOpen).toBe(true);
    expect(loadConfig({ VIGIL_FAIL_OPEN: '0' }, { failOpen: true }).failOpen).toBe(false);
  });
});

describe('loadConfig: IP list sources and traffic thresholds', () => {
  it('keeps a plain file list working and fills in the defaults', () => {
    const c = loadConfig({}, { lists: [{ name: 'mine', path: '/etc/vigil/list.txt', category: 'abuse' }] });
    expect(c.lists).toEqual([{ name: 'mine', path: '/etc/vigil/list.txt', category: 'abuse', format: 'netset', refreshMinutes: 60 }]);
    expect(c.intel).toEqual({ syncIntervalMs: 5000, worker: true });
    expect(c.assessors.traffic).toEqual({
      failedLoginsThreshold: 100,
      windowHours: 24,
      distinctAccountsThreshold: 20,
      distinctAccountsWindowMinutes: 60,
      accountFailuresThreshold: 10,
    });
  });

  it('takes URL sources, ipsum with minCount and MaxMind Anonymous-IP databases', () => {
    const lists = [
      { name: 'ipsum', url: 'https://raw.githubusercontent.com/stamparm/ipsum/master/ipsum.txt', format: 'ipsum', minCount: 3, category: 'abuse', refreshMinutes: 1440 },
      { name: 'maxmind-vpn', path: '/var/lib/GeoIP/GeoIP2-Anonymous-IP.mmdb', format: 'mmdb-anonymous', category: 'anonymizer' },
    ];
    expect(loadConfig({}, { lists }).lists).toHaveLength(2);
    expect(loadConfig({ VIGIL_INTEL_SYNC_MS: '250', VIGIL_INTEL_WORKER: 'false' }).intel).toEqual({ syncIntervalMs: 250, worker: false });
  });

  it.each([
    [{ name: 'x', category: 'abuse' }, 'exactly one of path and url'],
    [{ name: 'x', category: 'abuse', path: '/a', url: 'https://example.com/a' }, 'exactly one of path and url'],
    [{ name: 'x', category: 'abuse', url: 'ftp://example.com/a' }, 'lists.0.url'],
    [{ name: 'x', category: 'abuse', path: '/a', minCount: 2 }, 'lists.0.minCount'],
    [{ name: 'x', category: 'abuse', path: '/a', format: 'mmdb-anonymous' }, 'lists.0.category'],
    [{ name: 'x', category: 'spam', path: '/a' }, 'lists.0.category'],
    [{ name: 'bogons', category: 'abuse', path: '/a' }, 'built in'],
    [{ name: 'traffic', category: 'abuse', path: '/a' }, 'built in'],
    [{ name: 'has space', category: 'abuse', path: '/a' }, 'lists.0.name'],
    [{ name: 'x', category: 'abuse', path: '/a', refreshMinutes: 0 }, 'lists.0.refreshMinutes'],
  ])('rejects the list source %j', (source, message) => {
    expect(configError(() => loadConfig({}, { lists: [source] }))).toContain(message);
  });

  it('rejects a list name used twice, and traffic thresholds out of range', () => {
    const twice = [
      { name: 'x', category: 'abuse', path: '/a' },
      { name: 'x', category: 'datacenter', path: '/b' },
    ];
    expect(configError(() => loadConfig({}, { lists: twice }))).toContain('"x" is used twice');
    expect(configError(() => loadConfig({}, { assessors: { traffic: { distinctAccountsWindowMinutes: 5 } } }))).toContain('distinctAccountsWindowMinutes');
    expect(configError(() => loadConfig({}, { assessors: { traffic: { accountFailuresThreshold: 0 } } }))).toContain('accountFailuresThreshold');
  });
});

describe('ensureApiClient', () => {
  it('refuses to run open in production, saying how to add a client', () => {
    const c = loadConfig(PRODUCTION);
    expect(configError(() => ensureApiClient(c))).toContain('npm run keygen');
  });

  it('creates a development key whose hash is the only thing configured', () => {
    const { config, devKey } = ensureApiClient(loadConfig({}));
    expect(devKey).toMatch(/^vk_[A-Za-z0-9_-]{43}$/);
    expect(config.clients).toHaveLength(1);
    expect(config.clients[0]?.keyHash).toBe(hashApiKey(devKey!));
    expect(JSON.stringify(config)).not.toContain(devKey);
  });

  it('leaves configured clients alone', () => {
    const c = loadConfig({}, { clients: [{ id: 'a', keyHash: KEY_HASH }] });
    expect(ensureApiClient(c)).toEqual({ config: c, devKey: null });
  });
});

describe('examples/vigil.json', () => {
  it('parses and carries every top-level key of the schema', () => {
    const raw = JSON.parse(readFileSync('examples/vigil.json', 'utf8')) as Record<string, unknown>;
    expect(Object.keys(raw).sort()).toEqual(
      ['admins', 'applications', 'assessors', 'clients', 'combiner', 'denyRules', 'failOpen', 'familiarity', 'lists', 'overrides'].sort(),
    );
  });
});
