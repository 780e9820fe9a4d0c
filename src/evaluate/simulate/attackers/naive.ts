import { formatIpv4 } from '../../../intel/lists/address.js';
import { attackLogin } from './attack-login.js';
import { attackTime, pickVictim, randomRoutableIp } from './attack-draws.js';
import type { AttackerModel } from './attack-world.js';

/**
 * The naive attacker (Wiefling et al., ACM TOPS 2022): knows only the password. Each attempt
 * comes from a random routable address, or, when an abusive-address list is loaded, from one
 * of its addresses half the time; sends a random real browser user agent of any kind; has no
 * cookie.
 */
export const naive: AttackerModel = {
  kind: 'naive',
  generate(world, count, rng) {
    const out = [];
    for (let i = 0; i < count; i++) {
      const victim = pickVictim(world, rng);
      const t = attackTime(world, rng);
      const ip = world.abusive.length > 0 && rng.chance(0.5) ? formatIpv4(rng.pick(world.abusive)) : randomRoutableIp(world, rng);
      out.push(attackLogin('naive', victim.user, t, ip, world.uas.any(rng).ua, ''));
    }
    return out;
  },
};
