import { readFileSync } from 'node:fs';
import { ConfigError, loadConfig, type Config } from '../../config.js';

/** One column of the replay: a configuration file (`VIGIL_CONFIG`'s JSON) or the defaults. */
export interface ColumnSpec {
  /** Shown as the column's heading. */
  name: string;
  /** The config file, or null for the built-in defaults. */
  path: string | null;
}

/**
 * Settings the replay takes from its environment exactly as the service does: where the GeoIP
 * databases are, the device secret, fail-open, the accepted timestamp age and cache sizes.
 * Everything else about the process it sets itself ({@link columnConfig}).
 */
export const PASSED_ENV = [
  'GEOIP_CITY_PATH',
  'GEOIP_CITY_IPV6_PATH',
  'GEOIP_ANONYMOUS_IP_PATH',
  'VIGIL_DEVICE_SECRET',
  'VIGIL_FAIL_OPEN',
  'VIGIL_MAX_TIMESTAMP_AGE_DAYS',
  'VIGIL_GEO_CACHE_SIZE',
  'VIGIL_UA_CACHE_SIZE',
] as const;

/**
 * Deadlines for a replay: the highest the config accepts. A Redis reply that is late because
 * the replay keeps Redis busy must not become a fail-closed challenge that pollutes the
 * measurement; a login whose history still could not be loaded is reported as a replay error.
 */
const REPLAY_ENV = {
  VIGIL_ASSESS_DEADLINE_MS: '10000',
  VIGIL_ASSESSOR_DEADLINE_MS: '1000',
  VIGIL_REDIS_TIMEOUT_MS: '5000',
  // Lists are loaded once at boot; no refresh job runs during a replay.
  VIGIL_INTEL_WORKER: 'false',
  // Not production: email steps are offered without SMTP (codes would go to the log; the
  // replay sends none), as a production deployment with SMTP offers them.
  NODE_ENV: 'development',
  LOG_LEVEL: 'error',
} as const;

/**
 * The configuration of one column: its file (or the defaults), with `lists` replacing list
 * sources' URLs by local files, over Redis at `redisUrl` under `keyPrefix`. A source still
 * naming a URL is refused unless `fetchLists`: a replay that silently ran without a deny list
 * would measure something else than the configuration says.
 */
export function columnConfig(
  spec: ColumnSpec,
  opts: { lists: ReadonlyMap<string, string>; env: NodeJS.ProcessEnv; redisUrl: string; keyPrefix: string; fetchLists: boolean },
): Config {
  const file = spec.path === null ? {} : readJson(spec.path);
  const lists = (file as { lists?: unknown }).lists;
  if (Array.isArray(lists)) {
    (file as { lists: unknown[] }).lists = lists.map((source: unknown) => {
      if (typeof source !== 'object' || source === null) return source;
      const s = source as { name?: unknown; url?: unknown; path?: unknown };
      const local = typeof s.name === 'string' && opts.lists.has(s.name) ? opts.lists.get(s.name) : undefined;
      if (local !== undefined) {
        const { url: _url, ...rest } = s;
        return { ...rest, path: local };
      }
      if (s.url !== undefined && !opts.fetchLists) {
        throw new ConfigError(
          `${spec.path}: list "${String(s.name)}" is fetched from ${String(s.url)}; the replay does not fetch lists: ` +
            `give --list ${String(s.name)}=PATH with a local copy (or --fetch-lists to fetch it)`,
        );
      }
      return source;
    });
  }
  const env: Record<string, string> = { ...REPLAY_ENV, REDIS_URL: opts.redisUrl, REDIS_KEY_PREFIX: opts.keyPrefix };
  // Only names the file in loadConfig's messages: the file object is passed in, so it is not read again.
  if (spec.path !== null) env.VIGIL_CONFIG = spec.path;
  for (const name of PASSED_ENV) {
    const value = opts.env[name];
    if (value !== undefined) env[name] = value;
  }
  return loadConfig(env, file);
}

/** The list source names a config file declares (for checking `--list` names). */
export function listNames(spec: ColumnSpec): string[] {
  if (spec.path === null) return [];
  const lists = (readJson(spec.path) as { lists?: unknown }).lists;
  return Array.isArray(lists) ? lists.flatMap((s: unknown) => (typeof (s as { name?: unknown })?.name === 'string' ? [(s as { name: string }).name] : [])) : [];
}

function readJson(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`Cannot read config file ${path}: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`Config file ${path} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError(`Config file ${path} must hold a JSON object`);
  return raw as Record<string, unknown>;
}
