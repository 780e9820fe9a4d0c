import { randomBytes } from 'node:crypto';
import { ConfigError, type Config } from '../config.js';
import { hashApiKey } from './auth.js';

/** A new random API key: 32 bytes, base64url, with a prefix that secret scanners can spot. */
export function generateApiKey(): string {
  return `vk_${randomBytes(32).toString('base64url')}`;
}

const HOW_TO_ADD = `Add an API client: run \`npm run keygen -- my-login-service\`, put the printed client entry
into "clients" of your config file, and point VIGIL_CONFIG at that file.`;

/**
 * Vigil never runs open. With no API client configured, production refuses to start; any other
 * environment gets a development key for this process only, returned so it can be printed once.
 */
export function ensureApiClient(config: Config): { config: Config; devKey: string | null } {
  if (config.clients.length > 0) return { config, devKey: null };
  if (config.env === 'production') throw new ConfigError(`No API client is configured.\n${HOW_TO_ADD}`);
  const devKey = generateApiKey();
  const client = {
    id: 'development',
    keyHash: hashApiKey(devKey),
    trustForwardedFor: false,
    allowTimestamp: true,
    applications: [],
  };
  return { config: { ...config, clients: [client] }, devKey };
}

export { HOW_TO_ADD };
