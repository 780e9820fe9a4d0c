import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { open as openMmdb } from 'maxmind';
import { bundledDbIpPaths } from '../../intel/geo-locator.js';
import type { DbIpCityRecord } from '../../intel/geo/normalise.js';
import type { GeoLookup } from './geo-pool.js';
import { builtinIpLists, parseAbusiveList, parseNetworkList, type IpLists } from './ip-lists.js';

/** What a run reads before it simulates: the only I/O besides writing the log. */
export interface RawInputs {
  lookup: GeoLookup;
  /** User-agent lines of the data directory; null: use the built-in list. */
  uaLines: string[] | null;
  uaOrigin: string;
  lists: IpLists;
}

/** A `shared/data` folder beside the repository holding this file (a checkout's sibling), when it exists; else null. */
export function defaultDataDir(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
  const data = resolve(dir, '..', 'shared', 'data');
  return existsSync(data) ? data : null;
}

async function readOptional(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

function place(rec: DbIpCityRecord | null) {
  if (!rec) return null;
  const { country_code: country, city, latitude: lat, longitude: lon } = rec;
  if (!country || !city || typeof lat !== 'number' || typeof lon !== 'number' || !Number.isFinite(lat) || !Number.isFinite(lon)) return null;
  return { country: country.toUpperCase(), region: rec.state1 ?? '', city, lat, lon };
}

/**
 * Open the bundled DB-IP Lite City IPv4 database and read the data directory's user agents and
 * IP lists (`dataDir` null: built-in lists). A list missing from the directory falls back to its
 * built-in one; without `iplists/ipsum.txt` there are no abusive addresses.
 */
export async function loadInputs(dataDir: string | null): Promise<RawInputs> {
  // The flat DB-IP schema of the bundled file (see src/intel/geo/normalise.ts); mmdb-lib types records by MaxMind's.
  const reader = await openMmdb<never>(bundledDbIpPaths().ipv4, { cache: { max: 50_000 } });
  const lookup: GeoLookup = (ip) => {
    const [rec, prefix] = reader.getWithPrefixLength(ip);
    return { place: place(rec as DbIpCityRecord | null), prefix };
  };

  const builtin = builtinIpLists();
  if (dataDir === null) return { lookup, uaLines: null, uaOrigin: 'built-in', lists: builtin };

  const [ua, vpn, datacenter, ipsum] = await Promise.all([
    readOptional(join(dataDir, 'ua', 'uap-core-user-agents.txt')),
    readOptional(join(dataDir, 'iplists', 'x4bnet-vpn-ipv4.txt')),
    readOptional(join(dataDir, 'iplists', 'x4bnet-datacenter-ipv4.txt')),
    readOptional(join(dataDir, 'iplists', 'ipsum.txt')),
  ]);
  const lists: IpLists = {
    vpn: vpn === null ? builtin.vpn : parseNetworkList(vpn),
    datacenter: datacenter === null ? builtin.datacenter : parseNetworkList(datacenter),
    abusive: ipsum === null ? [] : parseAbusiveList(ipsum),
    origin: [vpn === null ? 'vpn: built-in' : 'vpn: data dir', datacenter === null ? 'datacenter: built-in' : 'datacenter: data dir', ipsum === null ? 'no ipsum' : 'ipsum: data dir'].join(', '),
  };
  return { lookup, uaLines: ua === null ? null : ua.split('\n'), uaOrigin: ua === null ? 'built-in' : join(dataDir, 'ua'), lists };
}
