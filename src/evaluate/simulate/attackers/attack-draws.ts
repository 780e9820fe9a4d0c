import { formatIpv4 } from '../../../intel/lists/address.js';
import { randomHost, randomSubnet } from '../ipv4-network.js';
import type { Rng } from '../rng.js';
import type { Account, AttackWorld } from './attack-world.js';

/** A uniformly drawn account among those `eligible` accepts (every account when none does). */
export function pickVictim(world: AttackWorld, rng: Rng, eligible: (a: Account) => boolean = () => true): Account {
  const pool = world.accounts.filter(eligible);
  return rng.pick(pool.length > 0 ? pool : world.accounts);
}

/** A time drawn uniformly over the simulated period. */
export function attackTime(world: AttackWorld, rng: Rng): number {
  return rng.between(world.startMs, world.endMs);
}

/**
 * The victim's user agent as an attacker who phished it would know it at `atMs`: that of the
 * victim's last login with a user agent before `atMs`, else of their first after, else what
 * their first device sends then.
 */
export function victimUa(world: AttackWorld, victim: Account, atMs: number): string {
  let before = '';
  let after = '';
  for (const l of victim.logins) {
    if (l.userAgent === '') continue;
    if (l.timeMs <= atMs) before = l.userAgent;
    else if (after === '') after = l.userAgent;
  }
  if (before !== '') return before;
  if (after !== '') return after;
  const d = victim.user.devices[0]!;
  return world.calendar.uaAt(d.template, atMs, d.updateDelayDays);
}

/**
 * An address in the victim's home city on another network than theirs: a different DB-IP
 * block there (home cities have at least two).
 */
export function otherNetworkInHomeCity(victim: Account, rng: Rng): string {
  const { home, homeBlock } = victim.user;
  const others = home.networks.filter((n) => n.start !== homeBlock.start || n.prefix !== homeBlock.prefix);
  return randomHost(randomSubnet(rng.pick(others.length > 0 ? others : home.networks), 24, rng), rng);
}

/** A routable address that GeoIP places somewhere: random, with no list behind it. */
export function randomRoutableIp(world: AttackWorld, rng: Rng): string {
  return formatIpv4(world.geo.randomRoutable(rng));
}

/** An address from a residential-looking network: a random network of a random city, weighted by networks. */
export function residentialIp(world: AttackWorld, rng: Rng, notCountry?: string): string {
  for (let i = 0; i < 50; i++) {
    const city = world.geo.anyCity.pick(rng)!;
    if (city.country === notCountry) continue;
    return randomHost(randomSubnet(rng.pick(city.networks), 24, rng), rng);
  }
  throw new Error(`the GeoIP pool has no city outside ${notCountry ?? 'nowhere'}`);
}

/** A host of a random datacenter range. */
export function datacenterIp(world: AttackWorld, rng: Rng): string {
  return randomHost(rng.pick(world.datacenter.all), rng);
}

/** `n` accounts, all different while `n` does not exceed the population (an attack list names each account once). */
export function distinctAccounts(world: AttackWorld, n: number, rng: Rng): Account[] {
  const out: Account[] = [];
  while (out.length < n) out.push(...rng.shuffled(world.accounts).slice(0, n - out.length));
  return out;
}
