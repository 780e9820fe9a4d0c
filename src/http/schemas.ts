import { z } from 'zod';
import { ERROR_CODES } from '../errors.js';
import { INTEL_CATEGORIES, LIST_FORMATS } from '../intel/lists/types.js';
import { wellFormed } from './well-formed.js';

/** Request and response schemas: validation on the way in, the OpenAPI document for all. */

export const assessBody = z.strictObject({
  user_id: wellFormed().min(1).max(256).describe('Your stable id of the user (not the email).'),
  email: wellFormed(z.email().max(254)).optional().describe('Where email verification codes go for unenrolled users.'),
  ip: wellFormed().min(1).max(64).optional().describe('End-user IP; ignored when a trusted auth0-forwarded-for header is sent.'),
  user_agent: wellFormed().max(2048).optional(),
  device_id: wellFormed().min(1).max(512).optional().describe('Opaque device cookie; stored only as a keyed hash.'),
  application: wellFormed().min(1).max(128).optional().describe('Application (client id) whose policy applies; default "default".'),
  acr_values: wellFormed().max(1024).optional().describe('Space-separated ACR values; the multi-factor policy forces a challenge.'),
  timestamp: wellFormed().max(64).optional().describe('ISO 8601 time of the login, for replays; needs allowTimestamp on the client.'),
  commit: z.boolean().optional().describe('false: do not commit an allowed login now; call /complete later.'),
});

/** The answer of `POST /v1/assess`, described once beside its use case. */
export { assessAnswer as assessResponse } from '../risk/assess-answer.js';

export const assessmentIdParams = z.strictObject({ id: z.uuid() });
export const completeResponse = z.object({ assessment_id: z.string(), committed: z.literal(true) });

export const eventBody = z.strictObject({
  type: z.literal('login_failed'),
  ip: wellFormed().min(1).max(64).optional().describe('End-user IP; required unless a trusted auth0-forwarded-for header is sent.'),
  user_id: wellFormed().min(1).max(256).optional(),
  user_agent: wellFormed().max(2048).optional(),
  reason: wellFormed().max(128).optional(),
});
export const eventResponse = z.object({ recorded: z.literal(true), ip: z.string() });

export const errorResponse = z.object({
  error: z.object({
    code: z.enum(Object.keys(ERROR_CODES) as [keyof typeof ERROR_CODES, ...(keyof typeof ERROR_CODES)[]]),
    message: z.string(),
    request_id: z.string(),
  }),
});

export const userHistoryResponse = z.object({
  user_id: z.string(),
  known: z.boolean(),
  last_login: z.string().nullable(),
  devices: z.object({ count: z.number().int(), last_seen: z.string().nullable() }),
  user_agents: z.array(z.object({ family: z.string(), last_seen: z.string() })),
  last_location: z.object({ country: z.string().nullable(), city: z.string().nullable(), at: z.string() }).nullable(),
  familiarity: z.object({
    logins: z.number().int(),
    /** How many values of each feature the profile holds (the values themselves are keyed hashes, never shown). */
    values: z.record(z.string(), z.number().int()),
    countries: z.array(z.string()),
    places: z.number().int(),
  }),
});
export const clearHistoryResponse = z.object({ user_id: z.string(), cleared: z.string() });

const isoTime = z.string().describe('ISO 8601 time');
const category = z.enum(INTEL_CATEGORIES);

export const intelSourcesResponse = z.object({
  sources: z.array(
    z.object({
      name: z.string(),
      category: category.nullable().describe('null for the manual entries, which carry one each'),
      format: z.enum(LIST_FORMATS).nullable(),
      origin: z.string().describe('the file, or the URL without credentials or query; "built-in" for bogons and manual'),
      refresh_minutes: z.number().int().nullable(),
      status: z.enum(['ok', 'failing', 'local', 'not_loaded']),
      version: z.number().int().describe('the version stored in Redis'),
      loaded_version: z.number().int().describe('the version this instance uses'),
      size: z.number().int().describe('networks in the loaded version'),
      skipped: z.number().int().describe('malformed lines skipped in the stored version'),
      changed_at: isoTime.nullable(),
      refreshed_at: isoTime.nullable().describe('last successful fetch, changed or not'),
      last_error: z.object({ message: z.string(), at: isoTime.nullable() }).nullable(),
      consecutive_failures: z.number().int(),
    }),
  ),
});

export const sourceParams = z.strictObject({ name: wellFormed().min(1).max(64) });
export const refreshResponse = z.object({
  name: z.string(),
  outcome: z.enum(['updated', 'unchanged', 'failed']),
  version: z.number().int().describe('the version current after the refresh'),
  error: z.string().optional(),
});

export const ipParams = z.strictObject({ ip: wellFormed().min(1).max(64) });

export const ipLookupResponse = z.object({
  ip: z.string(),
  listed: z.boolean().describe('on any list, or flagged by traffic'),
  matches: z.array(
    z.object({
      network: z.string(),
      source: z.string(),
      category,
      reason: z.string().optional(),
      listed_since: isoTime.nullable().describe('list sources: first fetched with this network; manual: added'),
      expires_at: isoTime.nullable(),
    }),
  ),
  traffic: z.object({
    failed_logins: z.number().int(),
    failed_logins_threshold: z.number().int(),
    window_hours: z.number().int(),
    distinct_accounts: z.number().int(),
    distinct_accounts_threshold: z.number().int(),
    distinct_accounts_window_minutes: z.number().int(),
    accounts_with_failures: z.number().int(),
    account_failures_threshold: z.number().int(),
    flagged_until: isoTime.nullable(),
  }),
});

export const manualEntryBody = z.strictObject({
  network: wellFormed().min(1).max(64).describe('An address or CIDR; IPv4 /8 or longer, IPv6 /16 or longer.'),
  category: category.default('abuse'),
  reason: wellFormed().min(1).max(256).describe('Why, for whoever looks the address up later (a ticket, an incident).'),
  expires_in_hours: z.number().int().min(1).max(8760).default(24),
});

const manualEntry = z.object({
  network: z.string(),
  category,
  reason: z.string(),
  added_by: z.string(),
  added_at: isoTime,
  expires_at: isoTime,
});
export const manualEntryResponse = manualEntry;
export const manualEntriesResponse = z.object({ entries: z.array(manualEntry) });
export const manualEntryQuery = z.strictObject({ network: wellFormed().min(1).max(64) });
export const manualEntryRemovedResponse = z.object({ network: z.string(), removed: z.literal(true) });
