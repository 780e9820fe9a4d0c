import { createUaParser } from '../../risk/context/user-agent.js';
import type { Account, AttackWorld } from './attackers/attack-world.js';
import { attackers } from './attackers/index.js';
import { applyRateScale, type SimulateOptions } from './flags.js';
import type { GeoPool } from './geo-pool.js';
import { legitLogins, type TimelineWorld } from './legit-logins.js';
import { createUser } from './legit-user.js';
import { MobileCarriers } from './mobile-carriers.js';
import type { RangePool } from './range-pool.js';
import { ReleaseCalendar } from './release-calendar.js';
import { Rng } from './rng.js';
import type { SimLogin } from './sim-login.js';
import type { Trip } from './trips.js';
import type { UaPool } from './ua-pool.js';
import { uaPopularity } from './ua-popularity.js';

/** The pools a run draws from (built once from the GeoIP database and the lists). */
export interface SimInputs {
  geo: GeoPool;
  uas: UaPool;
  vpn: RangePool;
  datacenter: RangePool;
  abusive: readonly number[];
}

/**
 * A finished run: the log in time order (every row), and the users behind it with their
 * successful logins and trips (ground truth for checks).
 */
export interface SimResult {
  logins: SimLogin[];
  accounts: (Account & { trips: Trip[] })[];
  /** The options the run used, rate scale applied. */
  effective: SimulateOptions;
}

const DAY_MS = 86_400_000;

/**
 * Simulate a population and the attacks on it. Pure given its inputs: the same inputs and
 * options give the same logins. Each user draws from its own stream (`user`, index) and each
 * attacker kind from its own (`attack`, kind), so changing `--attacks` leaves the legit rows
 * as they were. Rows are ordered by time, ties by the order they were made.
 */
export function simulate(inputs: SimInputs, options: SimulateOptions): SimResult {
  const opts = applyRateScale(options);
  const startMs = opts.startMs;
  const endMs = startMs + opts.days * DAY_MS;
  const calendar = new ReleaseCalendar(opts.seed, startMs, opts.browserReleaseDays);
  const world: TimelineWorld = {
    opts,
    geo: inputs.geo,
    uas: inputs.uas,
    vpn: inputs.vpn,
    carriers: new MobileCarriers(inputs.geo, opts.seed),
    calendar,
    startMs,
    endMs,
  };

  const accounts: (Account & { trips: Trip[] })[] = [];
  const typos: SimLogin[] = [];
  for (let i = 1; i <= opts.users; i++) {
    const rng = Rng.stream(opts.seed, 'user', i);
    const user = createUser(i, world, startMs, rng);
    const timeline = legitLogins(user, world, rng);
    accounts.push({ user, logins: timeline.logins, trips: timeline.trips });
    typos.push(...timeline.typos);
  }

  const parser = createUaParser(10_000);
  const attackWorld: AttackWorld = {
    opts,
    startMs,
    endMs,
    geo: inputs.geo,
    uas: inputs.uas,
    vpn: inputs.vpn,
    datacenter: inputs.datacenter,
    abusive: inputs.abusive,
    accounts,
    popularity: uaPopularity(
      accounts.flatMap((a) => a.logins),
      (ua) => parser.family(ua),
    ),
    calendar,
    familyOf: (ua) => parser.family(ua),
  };

  const all: SimLogin[] = [...accounts.flatMap((a) => a.logins), ...typos];
  for (const model of attackers) {
    if (opts.attacks > 0) all.push(...model.generate(attackWorld, opts.attacks, Rng.stream(opts.seed, 'attack', model.kind)));
  }
  // Array sort is stable (ES2019): equal times keep the order rows were made in.
  all.sort((a, b) => a.timeMs - b.timeMs);
  return { logins: all, accounts, effective: opts };
}
