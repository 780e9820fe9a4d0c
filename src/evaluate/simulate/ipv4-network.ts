import { formatIpv4 } from '../../intel/lists/address.js';
import type { Rng } from './rng.js';

/** An IPv4 network: first address as a uint32 and prefix length (0–32). */
export interface Ipv4Network {
  start: number;
  prefix: number;
}

/** Number of addresses in a network (2^(32 − prefix)). */
export function networkSize(net: Ipv4Network): number {
  return 2 ** (32 - net.prefix);
}

/** The network's first address with host bits cleared. */
export function networkStart(addr: number, prefix: number): number {
  if (prefix <= 0) return 0;
  const size = 2 ** (32 - prefix);
  return addr - (addr % size);
}

/** `a.b.c.d/n`. */
export function networkText(net: Ipv4Network): string {
  return `${formatIpv4(net.start)}/${net.prefix}`;
}

/**
 * A random sub-network of `prefix` bits inside `net` (a /24 of an ISP block, a /16 of a large
 * DB-IP block); `net` itself when it is already that small.
 */
export function randomSubnet(net: Ipv4Network, prefix: number, rng: Rng): Ipv4Network {
  if (net.prefix >= prefix) return net;
  const count = 2 ** (prefix - net.prefix);
  return { start: net.start + rng.int(0, count - 1) * 2 ** (32 - prefix), prefix };
}

/**
 * A random host address inside `net`. In networks of 256 addresses or more the first and last
 * address of each /24 are avoided: `.0` and `.255` are rarely handed to a customer.
 */
export function randomHost(net: Ipv4Network, rng: Rng): string {
  const size = networkSize(net);
  if (size < 256) return formatIpv4(net.start + rng.int(0, size - 1));
  const offset = rng.int(0, size - 1);
  const low = offset % 256;
  const adjusted = low === 0 ? offset + 1 : low === 255 ? offset - 1 : offset;
  return formatIpv4(net.start + adjusted);
}

