import { randomHost } from '../ipv4-network.js';
import { attackLogin } from './attack-login.js';
import { attackTime, pickVictim } from './attack-draws.js';
import type { AttackerModel } from './attack-world.js';

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
      const ranges = world.vpn.byCountry.get(country) ?? world.datacenter.byCountry.get(country) ?? world.vpn.all;
      out.push(attackLogin('vpn', victim.user, t, randomHost(rng.pick(ranges), rng), world.popularity.top, ''));
    }
    return out;
  },
};
