import { addrOf } from '../geo-pool.js';
import { randomHost, type Ipv4Network } from '../ipv4-network.js';
import type { Rng } from '../rng.js';
import { attackLogin } from './attack-login.js';
import { attackTime, pickVictim } from './attack-draws.js';
import type { AttackerModel, AttackWorld } from './attack-world.js';

/**
 * A host of `ranges` that GeoIP places in `country`, or null. Ranges are indexed by their first
 * host, and a wide range can span blocks of several countries, so each draw is checked.
 */
function hostIn(world: AttackWorld, ranges: readonly Ipv4Network[] | undefined, country: string, rng: Rng): string | null {
  for (let i = 0; ranges && i < 20; i++) {
    const ip = randomHost(rng.pick(ranges), rng);
    if (world.geo.locate(addrOf(ip))?.country === country) return ip;
  }
  return null;
}

/**
 * The VPN attacker (Wiefling et al., ACM TOPS 2022): knows the victim's country and hides
 * behind a VPN exit there, with the population's most popular user agent and no cookie. The
 * exit is a VPN range GeoIP places in the victim's country; else a datacenter range there;
 * else any VPN range.
 */
export const vpn: AttackerModel = {
  kind: 'vpn',
  generate(world, count, rng) {
    const out = [];
    for (let i = 0; i < count; i++) {
      const victim = pickVictim(world, rng);
      const t = attackTime(world, rng);
      const country = victim.user.home.country;
      const ip =
        hostIn(world, world.vpn.byCountry.get(country), country, rng) ??
        hostIn(world, world.datacenter.byCountry.get(country), country, rng) ??
        randomHost(rng.pick(world.vpn.all), rng);
      out.push(attackLogin('vpn', victim.user, t, ip, world.popularity.top, ''));
    }
    return out;
  },
};
