/**
 * `npm run keygen -- <id> [--trust-forwarded-for] [--allow-timestamp] [--admin | --metrics]`:
 * print a new key once, and where its hash goes: the config entry (for "clients", or "admins"
 * with --admin), or with --metrics the `VIGIL_METRICS_KEY_HASH` line for `/metrics`.
 */
import { generateApiKey } from '../http/api-clients.js';
import { hashApiKey } from '../http/auth.js';

const args = process.argv.slice(2);
const id = args.find((a) => !a.startsWith('--')) ?? 'login-service';
const key = generateApiKey();
const admin = args.includes('--admin');
if (args.includes('--metrics')) {
  process.stdout.write(
    `Metrics key for "${id}" (shown once; give it to the scraper as its bearer token):\n\n  ${key}\n\n` +
      `Set this in Vigil's environment:\n\n  VIGIL_METRICS_KEY_HASH=${hashApiKey(key)}\n`,
  );
} else {
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
}
