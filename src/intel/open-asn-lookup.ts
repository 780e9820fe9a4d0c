import { isIP } from 'node:net';
import { open as openMmdb, type AsnResponse, type Reader } from 'maxmind';
import { ConfigError } from '../config.js';
import { parseIpv4, parseIpv6 } from './lists/address.js';
import type { AsnRecord } from './asn/asn-index.js';
import { loadBundledAsn, type BundledAsnInfo } from './load-bundled-asn.js';

/** What the ASN lookup reads, for the readiness report and logs. */
export type AsnLookupInfo =
  | { source: 'maxmind'; path: string; databaseType: string; buildEpoch: Date; serves: readonly (4 | 6)[] }
  | ({ source: 'bundled' } & BundledAsnInfo);

/** Address → autonomous system (the network operator), for the familiarity features. */
export interface AsnLookup {
  /**
   * The AS announcing a normalised address (see `parseIp`), or null when the data has none.
   * Never throws. Records are frozen and shared between calls.
   */
  lookup(ip: string, family: 4 | 6): AsnRecord | null;
  readonly info: AsnLookupInfo;
  /** Drop the data; later lookups find nothing. Idempotent. */
  close(): Promise<void>;
}

const query6 = new Uint32Array(4);

/**
 * Open the ASN data: MaxMind GeoLite2-ASN (or GeoIP2-ISP, which carries the same fields) at
 * `asnPath` (`GEOIP_ASN_PATH`) when set, else the bundled `@ip-location-db/asn` dataset compiled
 * into an in-memory index (see `loadBundledAsn` for its per-process memo and cache file).
 * Throws {@link ConfigError} when the configured file cannot be opened or is of another kind.
 */
export async function openAsnLookup(cfg: { asnPath: string | null }, opts: { cacheDir?: string | null } = {}): Promise<AsnLookup> {
  if (cfg.asnPath !== null) return openMaxmindAsn(cfg.asnPath);
  const { index, info } = await loadBundledAsn(opts);
  let open = true;
  return {
    info: { source: 'bundled', ...info },
    lookup(ip: string, family: 4 | 6): AsnRecord | null {
      if (!open) return null;
      if (family === 4) {
        const a = parseIpv4(ip);
        return a < 0 ? null : index.lookupV4(a);
      }
      return parseIpv6(ip, query6) ? index.lookupV6(query6) : null;
    },
    async close(): Promise<void> {
      // The index is shared by the process's memo; this lookup only stops answering.
      open = false;
    },
  };
}

async function openMaxmindAsn(path: string): Promise<AsnLookup> {
  let reader: Reader<AsnResponse>;
  try {
    reader = await openMmdb<AsnResponse>(path, { cache: { max: 10_000 } });
  } catch (err) {
    throw new ConfigError(`Cannot open GEOIP_ASN_PATH database ${path}: ${(err as Error).message}`, { cause: err });
  }
  const { databaseType, buildEpoch, ipVersion } = reader.metadata;
  if (!/ASN|ISP/i.test(databaseType)) {
    throw new ConfigError(`GEOIP_ASN_PATH ${path} is a ${databaseType} database, not an ASN (or ISP) database`);
  }
  const serves: (4 | 6)[] = ipVersion === 6 ? [4, 6] : [4];
  // One frozen record per decoded MaxMind record, which the reader's cache hands out again.
  const records = new WeakMap<object, AsnRecord | null>();
  let current: Reader<AsnResponse> | null = reader;
  return {
    info: { source: 'maxmind', path, databaseType, buildEpoch, serves },
    lookup(ip: string, family: 4 | 6): AsnRecord | null {
      // mmdb-lib does not validate input, and an IPv4-only tree answers an IPv6 query with an
      // unrelated record instead of null (docs/ip-intelligence.md, "GeoIP"): check both first.
      if (!current || isIP(ip) !== family || !serves.includes(family)) return null;
      try {
        const rec = current.get(ip);
        if (!rec) return null;
        let out = records.get(rec);
        if (out === undefined) {
          const asn = rec.autonomous_system_number;
          out = typeof asn === 'number' && asn > 0 ? Object.freeze({ asn, org: rec.autonomous_system_organization ?? null }) : null;
          records.set(rec, out);
        }
        return out;
      } catch {
        // A corrupt database can make the decoder throw; no record is the honest answer.
        return null;
      }
    },
    async close(): Promise<void> {
      current = null;
    },
  };
}
