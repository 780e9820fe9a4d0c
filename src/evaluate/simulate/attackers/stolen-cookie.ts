import { attackLogin } from './attack-login.js';
import { pickVictim, residentialIp } from './attack-draws.js';
import type { AttackerModel } from './attack-world.js';

const MINUTE_MS = 60_000;

/**
 * The stolen-cookie attacker (session or device cookie taken by info-stealer malware or an
 * adversary-in-the-middle proxy): replays the victim's device cookie and exact user agent from
 * one of the victim's own logins, 2–60 minutes later, from a network in another country than
 * the victim's home.
 */
export const stolenCookie: AttackerModel = {
  kind: 'stolen_cookie',
  generate(world, count, rng) {
    const out = [];
    for (let i = 0; i < count; i++) {
      const victim = pickVictim(world, rng, (a) => a.logins.some((l) => l.deviceId !== ''));
      const withCookie = victim.logins.filter((l) => l.deviceId !== '');
      if (withCookie.length === 0) throw new Error('no legit login carries a device cookie; stolen-cookie attacks need one');
      const seen = rng.pick(withCookie);
      const t = seen.timeMs + rng.between(2, 60) * MINUTE_MS;
      const ip = residentialIp(world, rng, victim.user.home.country);
      out.push(attackLogin('stolen_cookie', victim.user, t, ip, seen.userAgent, seen.deviceId));
    }
    return out;
  },
};
