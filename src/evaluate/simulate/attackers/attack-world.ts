import type { SimulateOptions } from '../flags.js';
import type { GeoPool } from '../geo-pool.js';
import type { LegitUser } from '../legit-user.js';
import type { RangePool } from '../range-pool.js';
import type { ReleaseCalendar } from '../release-calendar.js';
import type { Rng } from '../rng.js';
import type { AttackKind, SimLogin } from '../sim-login.js';
import type { UaPool } from '../ua-pool.js';
import type { UaPopularity } from '../ua-popularity.js';

/** A simulated account and its legit logins in time order. */
export interface Account {
  user: LegitUser;
  logins: readonly SimLogin[];
}

/** Everything an attacker model may know or use. */
export interface AttackWorld {
  /** Options with the rate scale applied. */
  opts: SimulateOptions;
  startMs: number;
  endMs: number;
  geo: GeoPool;
  uas: UaPool;
  vpn: RangePool;
  datacenter: RangePool;
  /** Addresses seen attacking (ipsum); may be empty. */
  abusive: readonly number[];
  accounts: readonly Account[];
  popularity: UaPopularity;
  calendar: ReleaseCalendar;
  /** Vigil's user-agent family (`src/risk/context/user-agent.ts`). */
  familyOf(ua: string): string | null;
}

/**
 * One attacker model: `count` successful attempts of its kind (and, for credential stuffing
 * and password spraying, the failed attempts around them), drawn from `rng`.
 */
export interface AttackerModel {
  kind: AttackKind;
  generate(world: AttackWorld, count: number, rng: Rng): SimLogin[];
}
