/**
 * `npm run keygen -- <id> [--trust-forwarded-for] [--allow-timestamp] [--admin]`: print a new
 * key once, and the config entry (for "clients", or "admins" with --admin) that holds only its hash.
 */
import { generateApiKey } from '../api-clients.js';
import { hashApiKey } from '../http/auth.js';

const args = process.argv.slice(2);
const id = args.find((a) => !a.startsWith('--')) ?? 'login-service';
const key = generateApiKey();
const admin = args.includes('--admin');
const entry = admin
  ? { id, keyHash: hashApiKey(key) }
  : {
      id,
      keyHash: hashApiKey(key),
      trustForwardedFor: args.includes('--trust-forwarded-for'),
      allowTimestamp: args.includes('--allow-timestamp'),
    };
process.stdout.write(
  `${admin ? 'Admin' : 'API'} key for "${id}" (shown once; store it nowhere else):\n\n  ${key}\n\n` +
    `Add this entry to "${admin ? 'admins' : 'clients'}" in your VIGIL_CONFIG file:\n\n${JSON.stringify(entry, null, 2)}\n`,
);
