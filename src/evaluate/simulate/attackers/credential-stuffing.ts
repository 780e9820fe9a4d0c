import { formatIpv4 } from '../../../intel/lists/address.js';
import { addrOf } from '../geo-pool.js';
import { randomHost } from '../ipv4-network.js';
import type { Rng } from '../rng.js';
import type { SimLogin } from '../sim-login.js';
import { attackLogin, missingAccount, type Target } from './attack-login.js';
import { datacenterIp, distinctAccounts, randomRoutableIp } from './attack-draws.js';
import type { AttackerModel, AttackWorld } from './attack-world.js';

/** Mean seconds between a campaign's attempts (assumption: a stuffing tool paced to stay under rate limits). */
const MEAN_GAP_S = 3;

/** Where a campaign's addresses come from: one address, or the hosts of its /24. */
function campaignSource(world: AttackWorld, rng: Rng): () => string {
  const x = rng.float();
  let base: string;
  if (world.abusive.length > 0 && x < 0.4) base = formatIpv4(rng.pick(world.abusive));
  else if (x < (world.abusive.length > 0 ? 0.8 : 0.7)) base = datacenterIp(world, rng);
  else base = randomRoutableIp(world, rng);
  if (rng.chance(0.5)) return () => base;
  const net = { start: addrOf(base) - (addrOf(base) % 256), prefix: 24 };
  return () => randomHost(net, rng);
}

/**
 * Credential stuffing: credentials leaked elsewhere tried against this service by a tool.
 * Campaigns of 5–30 successes; each tries every account of its list once, from one address or
 * one /24 (an abusive address when a list is loaded, a datacenter range, or a random routable
 * address), an attempt every ~3 s, with either one popular user agent or a random one per
 * attempt, never a cookie. Attempts succeed at `stuffingSuccess`; of the failures,
 * `stuffingMissingShare` name accounts that do not exist, the rest real users with another
 * password. Victims and failed real accounts are drawn from every user.
 */
export const credentialStuffing: AttackerModel = {
  kind: 'credential_stuffing',
  generate(world, count, rng) {
    const out: SimLogin[] = [];
    const { stuffingSuccess, stuffingMissingShare } = world.opts;
    let campaign = 0;
    for (let left = count; left > 0; campaign++) {
      const successes = Math.min(left, rng.int(5, 30));
      left -= successes;
      const failures = Math.max(0, Math.round(successes / stuffingSuccess) - successes);
      const missing = Math.round(failures * stuffingMissingShare);
      const targets: { target: Target; ok: boolean }[] = [];
      distinctAccounts(world, failures - missing + successes, rng).forEach((a, i) => targets.push({ target: a.user, ok: i < successes }));
      for (let i = 0; i < missing; i++) targets.push({ target: missingAccount(`cs${campaign}-${rng.hex(4)}`), ok: false });

      const ip = campaignSource(world, rng);
      const fixedUa = rng.chance(0.5) ? world.popularity.top : null;
      const durationMs = targets.length * MEAN_GAP_S * 1000;
      let t = rng.between(world.startMs, Math.max(world.startMs, world.endMs - durationMs));
      for (const { target, ok } of rng.shuffled(targets)) {
        t += rng.exponential(MEAN_GAP_S * 1000);
        const ua = fixedUa ?? world.uas.any(rng).ua;
        out.push(attackLogin('credential_stuffing', target, t, ip(), ua, '', ok ? 'success' : 'failure'));
      }
    }
    return out;
  },
};
