import { formatIpv4 } from '../../../intel/lists/address.js';
import type { SimLogin } from '../sim-login.js';
import { attackLogin, missingAccount, type Target } from './attack-login.js';
import { distinctAccounts, residentialIp } from './attack-draws.js';
import type { AttackerModel } from './attack-world.js';

const MINUTE_MS = 60_000;
/** Mean seconds between attempts within a round (assumption: "low and slow", under lockout and rate limits). */
const MEAN_GAP_S = 20;

/**
 * Password spraying: a few common passwords tried across many accounts, one round per
 * password, each round after a pause of one to three hours so no account locks out. Campaigns
 * of 10–40 successes over 1–3 rounds; every attempt comes from a random address of the
 * campaign's pool of 50–300 (residential proxies, or abusive addresses when a list is loaded),
 * with a random browser user agent and no cookie. Attempts succeed at `sprayingSuccess`; a
 * victim's success ends their attempts; `sprayingMissingShare` of the accounts do not exist.
 */
export const passwordSpraying: AttackerModel = {
  kind: 'password_spraying',
  generate(world, count, rng) {
    const out: SimLogin[] = [];
    const { sprayingSuccess, sprayingMissingShare } = world.opts;
    let campaign = 0;
    for (let left = count; left > 0; campaign++) {
      const successes = Math.min(left, rng.int(10, 40));
      left -= successes;
      const rounds = rng.int(1, 3);
      const attempts = Math.round(successes / sprayingSuccess);
      const accountCount = Math.max(successes, Math.ceil(attempts / rounds));
      const missing = Math.round((accountCount - successes) * sprayingMissingShare);
      const others = accountCount - successes - missing;
      // Each account with the round its password is found in (0: never).
      const accounts: { target: Target; hitRound: number }[] = [];
      for (const [i, a] of distinctAccounts(world, successes + others, rng).entries()) {
        accounts.push({ target: a.user, hitRound: i < successes ? rng.int(1, rounds) : 0 });
      }
      for (let i = 0; i < missing; i++) accounts.push({ target: missingAccount(`ps${campaign}-${rng.hex(4)}`), hitRound: 0 });

      const poolSize = rng.int(50, 300);
      const abusive = world.abusive.length > 0 && rng.chance(0.5);
      const ips = Array.from({ length: poolSize }, () => (abusive ? formatIpv4(rng.pick(world.abusive)) : residentialIp(world, rng)));
      const fixedUa = rng.chance(0.5) ? world.uas.any(rng).ua : null;
      const roundMs = accountCount * MEAN_GAP_S * 1000;
      const totalMs = rounds * roundMs + (rounds - 1) * 180 * MINUTE_MS;
      let t = rng.between(world.startMs, Math.max(world.startMs, world.endMs - totalMs));
      for (let round = 1; round <= rounds; round++) {
        for (const a of rng.shuffled(accounts)) {
          if (a.hitRound !== 0 && a.hitRound < round) continue;
          t += rng.exponential(MEAN_GAP_S * 1000);
          const ok = a.hitRound === round;
          out.push(attackLogin('password_spraying', a.target, t, rng.pick(ips), fixedUa ?? world.uas.any(rng).ua, '', ok ? 'success' : 'failure'));
        }
        t += rng.between(60, 180) * MINUTE_MS;
      }
    }
    return out;
  },
};
