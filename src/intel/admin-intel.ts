import { parseIp } from '../risk/context/ip.js';
import type { Config } from '../config.js';
import { VigilError } from '../errors.js';
import { describeOrigin } from './fetch-source.js';
import { formatCidr, parseCidr } from './lists/cidr.js';
import type { IpIntel, ManualEntry } from './lists/intel.js';
import type { IntelCategory } from './lists/types.js';
import { storeCall } from '../platform/store-call.js';
import type { TrafficStore } from '../stores/traffic/traffic-store.js';
import type { IntelFeeds } from './intel-feeds.js';

/**
 * The admin side of the IP lists: what each source holds and how its refreshes go, what the
 * lists and traffic say about one address, and manual entries that expire by themselves.
 */

/** What the IP-list admin reads and edits. */
export interface AdminIntelDeps {
  config: Pick<Config, 'lists' | 'assessors'>;
  feeds: Pick<IntelFeeds, 'store' | 'sync' | 'refresh'>;
  traffic: Pick<TrafficStore, 'ipTraffic'>;
  intel: Pick<IpIntel, 'explain'>;
  now(): number;
}

const iso = (ms: number | null | undefined) => (ms == null ? null : new Date(ms).toISOString());

/** Every source: where it comes from, its shared state in Redis, and the version this instance uses. */
export async function listSources(deps: Pick<AdminIntelDeps, 'feeds' | 'config'>) {
  await storeCall('Redis', () => deps.feeds.sync.sync());
  return {
    sources: deps.feeds.sync.report().map(({ name, category, status, loadedVersion, size, state }) => {
      const spec = deps.config.lists.find((s) => s.name === name);
      return {
        name,
        category,
        format: spec?.format ?? null,
        origin: spec ? describeOrigin(spec) : 'built-in',
        refresh_minutes: spec?.refreshMinutes ?? null,
        status,
        version: state?.version ?? loadedVersion,
        loaded_version: loadedVersion,
        size,
        skipped: state?.skipped ?? 0,
        changed_at: iso(state?.changedAtMs),
        refreshed_at: iso(state?.refreshedAtMs),
        last_error: state?.error ? { message: state.error, at: iso(state.errorAtMs) } : null,
        consecutive_failures: state?.failures ?? 0,
      };
    }),
  };
}

/**
 * Refresh one configured source now, here, and report how it went; a failure keeps the last
 * good version, as a scheduled refresh would.
 */
export async function refreshSourceNow(deps: Pick<AdminIntelDeps, 'feeds'>, name: string) {
  const result = await storeCall('Redis', () => deps.feeds.refresh(name));
  if (!result) throw new VigilError('not_found', `no configured list source "${name}"`);
  const { outcome, version, error } = result;
  return { name, outcome, version, ...(error === undefined ? {} : { error }) };
}

/** Which lists hold `rawIp` (the widest network per source), since and until when, and its traffic counters. */
export async function lookupIp(deps: Pick<AdminIntelDeps, 'config' | 'traffic' | 'intel' | 'now'>, rawIp: string) {
  const parsed = parseIp(rawIp);
  if (!parsed) throw new VigilError('invalid_ip_address', `not an IPv4 or IPv6 address: "${rawIp.slice(0, 64)}"`);
  const now = deps.now();
  const t = deps.config.assessors.traffic;
  const traffic = await storeCall('Redis', () => deps.traffic.ipTraffic(parsed.ip, now));
  const matches = deps.intel.explain(parsed.ip, parsed.family);
  return {
    ip: parsed.ip,
    listed: matches.length > 0 || traffic.flaggedUntilMs !== null,
    matches: matches.map(({ network, source, category, reason, sinceMs, expiresAtMs }) => ({
      network,
      source,
      category,
      ...(reason === undefined ? {} : { reason }),
      listed_since: iso(sinceMs),
      expires_at: iso(expiresAtMs),
    })),
    traffic: {
      failed_logins: traffic.failedLogins,
      failed_logins_threshold: t.failedLoginsThreshold,
      window_hours: t.windowHours,
      distinct_accounts: traffic.distinctAccounts,
      distinct_accounts_threshold: t.distinctAccountsThreshold,
      distinct_accounts_window_minutes: t.distinctAccountsWindowMinutes,
      accounts_with_failures: traffic.accountsWithFailures,
      account_failures_threshold: t.accountFailuresThreshold,
      flagged_until: iso(traffic.flaggedUntilMs),
    },
  };
}

/** Shortest prefixes a manual entry may have: a wider one is a kill switch, not a deny-list entry. */
const MIN_PREFIX = { 4: 8, 6: 16 } as const;

/** A network as an admin gave it, canonical (host bits cleared), or a 400. */
function manualNetwork(text: string): string {
  const cidr = parseCidr(text);
  if (!cidr) throw new VigilError('invalid_network', `not an IPv4 or IPv6 address or CIDR: "${text.slice(0, 64)}"`);
  if (cidr.prefix < MIN_PREFIX[cidr.family]) {
    throw new VigilError('invalid_network', `/${cidr.prefix} is too broad for a manual entry (IPv4 /${MIN_PREFIX[4]} or longer, IPv6 /${MIN_PREFIX[6]} or longer)`);
  }
  return formatCidr(cidr);
}

const entryView = (e: ManualEntry) => ({
  network: e.network,
  category: e.category,
  reason: e.reason,
  added_by: e.addedBy,
  added_at: iso(e.addedAtMs)!,
  expires_at: iso(e.expiresAtMs)!,
});

/** The manual entries in force, soonest to expire first. */
export async function listManualEntries(deps: Pick<AdminIntelDeps, 'feeds' | 'now'>) {
  const now = deps.now();
  const { entries } = await storeCall('Redis', () => deps.feeds.store.manual());
  return { entries: entries.filter((e) => e.expiresAtMs > now).sort((a, b) => a.expiresAtMs - b.expiresAtMs).map(entryView) };
}

/**
 * Add (or replace) a manual entry. It applies on this instance before the answer, on the others
 * within one sync interval, and lapses by itself after `expiresInHours`.
 */
export async function addManualEntry(
  deps: Pick<AdminIntelDeps, 'feeds' | 'now'>,
  body: { network: string; category: IntelCategory; reason: string; expires_in_hours: number },
  adminId: string,
) {
  const now = deps.now();
  const entry: ManualEntry = {
    network: manualNetwork(body.network),
    category: body.category,
    reason: body.reason,
    addedBy: adminId,
    addedAtMs: now,
    expiresAtMs: now + body.expires_in_hours * 3_600_000,
  };
  await storeCall('Redis', async () => {
    await deps.feeds.store.addManual(entry, now);
    await deps.feeds.sync.sync();
  });
  return entryView(entry);
}

/** Remove a manual entry before it expires; 404 when there is none for the network. */
export async function removeManualEntry(deps: Pick<AdminIntelDeps, 'feeds' | 'now'>, networkText: string) {
  const network = manualNetwork(networkText);
  const removed = await storeCall('Redis', async () => {
    const done = await deps.feeds.store.removeManual(network, deps.now());
    if (done) await deps.feeds.sync.sync();
    return done;
  });
  if (!removed) throw new VigilError('not_found', `no manual entry for ${network}`);
  return { network, removed: true as const };
}
