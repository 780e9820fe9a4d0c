/**
 * `npm run keygen -- <client id> [--trust-forwarded-for] [--allow-timestamp]`: print a new API
 * key once, and the config entry that holds only its hash.
 */
import { generateApiKey } from '../api-clients.js';
import { hashApiKey } from '../http/auth.js';

const args = process.argv.slice(2);
const id = args.find((a) => !a.startsWith('--')) ?? 'login-service';
const key = generateApiKey();
const entry = {
  id,
  keyHash: hashApiKey(key),
  trustForwardedFor: args.includes('--trust-forwarded-for'),
  allowTimestamp: args.includes('--allow-timestamp'),
};
process.stdout.write(
  `API key for "${id}" (shown once; give it to the client, store it nowhere else):\n\n  ${key}\n\n` +
    `Add this entry to "clients" in your VIGIL_CONFIG file:\n\n${JSON.stringify(entry, null, 2)}\n`,
);
