import { attackLogin } from './attack-login.js';
import { attackTime, otherNetworkInHomeCity, pickVictim, victimUa } from './attack-draws.js';
import type { AttackerModel } from './attack-world.js';

/**
 * The very targeted attacker (Wiefling et al., ACM TOPS 2022): knows the victim's city and
 * exact user agent (say, from a phishing page the victim opened). Logs in from another network
 * in the victim's home city with the victim's latest user agent and no cookie. Victims have at
 * least one login with a user agent, so the string is one they sent.
 */
export const veryTargeted: AttackerModel = {
  kind: 'very_targeted',
  generate(world, count, rng) {
    const out = [];
    for (let i = 0; i < count; i++) {
      const victim = pickVictim(world, rng, (a) => a.logins.some((l) => l.userAgent !== ''));
      const t = attackTime(world, rng);
      out.push(attackLogin('very_targeted', victim.user, t, otherNetworkInHomeCity(victim, rng), victimUa(world, victim, t), ''));
    }
    return out;
  },
};
