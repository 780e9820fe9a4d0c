import { attackLogin } from './attack-login.js';
import { attackTime, otherNetworkInHomeCity, pickVictim, victimUa } from './attack-draws.js';
import type { AttackerModel } from './attack-world.js';

/**
 * The targeted attacker (Wiefling et al., ACM TOPS 2022): knows the victim's city and browser.
 * Logs in from another network in the victim's home city with the commonest user agent of the
 * victim's browser family (Vigil's family: browser, OS, device type) and no cookie.
 */
export const targeted: AttackerModel = {
  kind: 'targeted',
  generate(world, count, rng) {
    const out = [];
    for (let i = 0; i < count; i++) {
      const victim = pickVictim(world, rng);
      const t = attackTime(world, rng);
      const own = victimUa(world, victim, t);
      const family = world.familyOf(own);
      const ua = (family !== null ? world.popularity.topByFamily.get(family) : undefined) ?? own;
      out.push(attackLogin('targeted', victim.user, t, otherNetworkInHomeCity(victim, rng), ua, ''));
    }
    return out;
  },
};
