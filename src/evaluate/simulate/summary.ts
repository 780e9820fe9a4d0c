import { HISTORY_BUCKETS, historyBucket, loginsBefore, type HistoryBucket } from './history-bucket.js';
import type { SimResult } from './simulate.js';

const DAY_MS = 86_400_000;

/** Realised figures of a run, to set against the flags that asked for them. */
export interface RunStats {
  /** Successful legit logins. */
  legit: number;
  /** Rows per label: successes and failures. */
  byLabel: Map<string, { success: number; failure: number }>;
  tripsPerUserYear: number;
  vpnShare: number;
  ropgShare: number;
  /** Share of device logins (not password-grant) made on phones and tablets. */
  mobileShare: number;
  /** Users by their number of legit logins over the period. */
  usersByLogins: Record<HistoryBucket, number>;
  /** Successful attacks by the victim's legit logins before the attack. */
  attacksByHistory: Record<HistoryBucket, number>;
}

function buckets(): Record<HistoryBucket, number> {
  return Object.fromEntries(HISTORY_BUCKETS.map((b) => [b, 0])) as Record<HistoryBucket, number>;
}

/** Count what a run produced. */
export function runStats(result: SimResult): RunStats {
  const { effective: opts } = result;
  const endMs = opts.startMs + opts.days * DAY_MS;
  const byLabel = new Map<string, { success: number; failure: number }>();
  let legit = 0;
  let vpn = 0;
  let ropg = 0;
  let mobile = 0;
  for (const l of result.logins) {
    const c = byLabel.get(l.label) ?? { success: 0, failure: 0 };
    c[l.outcome]++;
    byLabel.set(l.label, c);
    if (!l.truth || l.outcome !== 'success') continue;
    legit++;
    if (l.truth.vpn) vpn++;
    if (l.truth.ropg) ropg++;
    if (l.truth.device === 'mobile') mobile++;
  }
  const usersByLogins = buckets();
  let trips = 0;
  const byId = new Map(result.accounts.map((a) => [a.user.userId, a]));
  for (const a of result.accounts) {
    usersByLogins[historyBucket(a.logins.length)]++;
    trips += a.trips.filter((t) => t.departMs < endMs).length;
  }
  const attacksByHistory = buckets();
  for (const l of result.logins) {
    if (l.label === 'legit' || l.outcome !== 'success') continue;
    const victim = byId.get(l.userId);
    if (victim) attacksByHistory[historyBucket(loginsBefore(victim.logins, l.timeMs))]++;
  }
  const userYears = (result.accounts.length * opts.days) / 365;
  return {
    legit,
    byLabel,
    tripsPerUserYear: userYears > 0 ? trips / userYears : 0,
    vpnShare: legit > 0 ? vpn / legit : 0,
    ropgShare: legit > 0 ? ropg / legit : 0,
    mobileShare: legit - ropg > 0 ? mobile / (legit - ropg) : 0,
    usersByLogins,
    attacksByHistory,
  };
}

const pct = (x: number) => `${(100 * x).toFixed(2)} %`;

/** The stderr summary: rows per label, realised shares against their flags, history buckets. */
export function summaryText(result: SimResult, origins: { uaOrigin: string; listOrigin: string }): string {
  const s = runStats(result);
  const o = result.effective;
  const typos = s.byLabel.get('legit')?.failure ?? 0;
  const ratio = (label: string) => {
    const c = s.byLabel.get(label);
    return c && c.success + c.failure > 0 ? c.success / (c.success + c.failure) : 0;
  };
  const lines = [
    `vigil simulate: ${result.accounts.length} users, ${o.days} days from ${new Date(o.startMs).toISOString()}, seed ${o.seed}`,
    `inputs: user agents ${origins.uaOrigin}; lists ${origins.listOrigin}`,
    'rows by label (success / failure):',
  ];
  for (const [label, c] of [...s.byLabel].sort(([a], [b]) => (a === 'legit' ? -1 : b === 'legit' ? 1 : a.localeCompare(b)))) {
    lines.push(`  ${label.padEnd(30)} ${String(c.success).padStart(7)} / ${c.failure}`);
  }
  lines.push(
    'realised (flag):',
    `  trips per user-year   ${s.tripsPerUserYear.toFixed(2)} (${o.tripsPerYear})`,
    `  VPN share of legit    ${pct(s.vpnShare)} (${pct(o.vpnShare)})`,
    `  ROPG share of legit   ${pct(s.ropgShare)} (${pct(o.ropgShare)})`,
    `  mobile device share   ${pct(s.mobileShare)} (${pct(o.mobileShare)} of devices)`,
    `  legit typos           ${pct(typos / Math.max(1, s.legit))} (${pct(o.typoShare)})`,
    `  stuffing success      ${pct(ratio('attack:credential_stuffing'))} (${pct(o.stuffingSuccess)})`,
    `  spraying success      ${pct(ratio('attack:password_spraying'))} (${pct(o.sprayingSuccess)})`,
    `users by legit logins:  ${HISTORY_BUCKETS.map((b) => `${b}: ${s.usersByLogins[b]}`).join(', ')}`,
    `attacks by victim's earlier logins: ${HISTORY_BUCKETS.map((b) => `${b}: ${s.attacksByHistory[b]}`).join(', ')}`,
  );
  return `${lines.join('\n')}\n`;
}
