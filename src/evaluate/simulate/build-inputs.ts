import { IpSet } from '../../intel/lists/ip-set.js';
import { BUILTIN_USER_AGENTS } from './builtin-user-agents.js';
import { buildGeoPool } from './geo-pool.js';
import { networkText } from './ipv4-network.js';
import type { RawInputs } from './load-inputs.js';
import { indexRanges } from './range-pool.js';
import { Rng } from './rng.js';
import type { SimInputs } from './simulate.js';
import { browserTemplates, buildUaPool, type UaPool, type UaTemplate } from './ua-pool.js';

/** The pools built from raw inputs, and where the user agents came from. */
export interface BuiltInputs extends SimInputs {
  uaOrigin: string;
  listOrigin: string;
}

/**
 * Build the pools a run draws from: cities and networks sampled from the GeoIP database
 * (`geoSamples` addresses, drawn from the seed's `geo` stream), VPN and datacenter ranges indexed
 * by country, and the browser user agents (the data directory's, with built-in strings for the
 * families it lacks; the built-in list alone without a data directory).
 */
export function buildInputs(raw: RawInputs, seed: number, geoSamples: number): BuiltInputs {
  const anonymizers = IpSet.build([...raw.lists.vpn, ...raw.lists.datacenter].map(networkText));
  const geo = buildGeoPool(raw.lookup, Rng.stream(seed, 'geo'), geoSamples, (addr) => anonymizers.lookupV4(addr) >= 0);
  const builtin = browserTemplates(BUILTIN_USER_AGENTS);
  let uas: UaPool;
  let uaOrigin: string;
  if (raw.uaLines === null) {
    uas = buildUaPool(builtin);
    uaOrigin = `built-in, ${builtin.length} browser strings`;
  } else {
    // A family of the share tables the file lacks comes from the built-in list, so the file's
    // gaps do not skew the market-share mix (a parser test corpus may hold no plain Chrome on Windows).
    const found = browserTemplates(raw.uaLines);
    const group = (t: UaTemplate) => `${t.browser}|${t.os}|${t.kind}`;
    const present = new Set(found.map(group));
    const filled = builtin.filter((t) => !present.has(group(t)));
    uas = buildUaPool([...found, ...filled]);
    uaOrigin = `${raw.uaOrigin}, ${found.length} browser strings + ${filled.length} built-in for families it lacks`;
  }
  return {
    geo,
    uas,
    vpn: indexRanges(raw.lists.vpn, geo.locate),
    datacenter: indexRanges(raw.lists.datacenter, geo.locate),
    abusive: raw.lists.abusive,
    uaOrigin,
    listOrigin: raw.lists.origin,
  };
}
