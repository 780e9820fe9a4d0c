import type { DeviceKind } from './ua-pool.js';

/** The attacker kinds the simulator writes, as `attack:<kind>` labels. */
export const ATTACK_KINDS = [
  'naive',
  'vpn',
  'targeted',
  'very_targeted',
  'stolen_cookie',
  'credential_stuffing',
  'password_spraying',
] as const;

export type AttackKind = (typeof ATTACK_KINDS)[number];

/** `legit` or `attack:<kind>` (the log format's `label` column). */
export type Label = 'legit' | `attack:${AttackKind}`;

/**
 * Where a legit user really was at a login, and how they connected: the simulator's ground
 * truth, which the log does not carry (a detector sees only the IP and what GeoIP says of it).
 */
export interface Truth {
  lat: number;
  lon: number;
  /** Away from home on a trip (at the destination; nobody logs in mid-flight). */
  trip: boolean;
  vpn: boolean;
  /** A password-grant login: no device cookie, no user agent. */
  ropg: boolean;
  /** The device kind; `app` for a password-grant client. */
  device: DeviceKind | 'app';
  /** The network the login came through (before any VPN). */
  network: 'home' | 'cellular' | 'hotel';
}

/** One simulated login attempt: a row of the log plus, for legit logins, the ground truth. */
export interface SimLogin {
  userId: string;
  /** Milliseconds since the epoch (UTC). */
  timeMs: number;
  /** Empty: none known. */
  ip: string;
  /** Empty for password-grant logins. */
  userAgent: string;
  /** The device cookie; empty: none. */
  deviceId: string;
  email: string;
  label: Label;
  outcome: 'success' | 'failure';
  truth: Truth | null;
}
