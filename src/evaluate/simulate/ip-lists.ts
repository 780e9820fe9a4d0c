import { parseIpv4 } from '../../intel/lists/address.js';
import { parseCidr } from '../../intel/lists/cidr.js';
import { BUILTIN_DATACENTER_RANGES, BUILTIN_VPN_RANGES } from './builtin-ip-lists.js';
import type { Ipv4Network } from './ipv4-network.js';

/** The address lists the models draw from. IPv4 only: the simulator's networks are IPv4. */
export interface IpLists {
  /** VPN provider ranges (legit VPN users, the VPN attacker). */
  vpn: Ipv4Network[];
  /** Hosting/datacenter ranges (credential stuffing sources, the VPN attacker's fallback). */
  datacenter: Ipv4Network[];
  /** Addresses seen attacking (ipsum); empty without a data directory. */
  abusive: number[];
  /** Where the lists came from, for the run summary: `built-in` or the data directory. */
  origin: string;
}

/**
 * IPv4 networks of a one-CIDR-a-line list (X4BNet format); `#` comments, blank lines, IPv6
 * and unparsable lines are skipped.
 */
export function parseNetworkList(text: string): Ipv4Network[] {
  const out: Ipv4Network[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') continue;
    const c = parseCidr(line);
    if (c?.family === 4) out.push({ start: c.start, prefix: c.prefix });
  }
  return out;
}

/**
 * IPv4 addresses of an ipsum file (`IP<TAB>number of blacklists`, `#` comments). Every listed
 * address is kept: ipsum already requires one blacklist hit to list one.
 */
export function parseAbusiveList(text: string): number[] {
  const out: number[] = [];
  for (const raw of text.split('\n')) {
    if (raw.startsWith('#')) continue;
    const addr = parseIpv4(raw.split(/\s/, 1)[0] ?? '');
    if (addr >= 0) out.push(addr);
  }
  return out;
}

/** The built-in lists (`builtin-ip-lists.ts`): no abusive addresses. */
export function builtinIpLists(): IpLists {
  return {
    vpn: parseNetworkList(BUILTIN_VPN_RANGES.join('\n')),
    datacenter: parseNetworkList(BUILTIN_DATACENTER_RANGES.join('\n')),
    abusive: [],
    origin: 'built-in',
  };
}
