import { parseArgs } from 'node:util';

/** Every knob of a simulation run. Rates are per user or per device as named; shares are in [0, 1]. */
export interface SimulateOptions {
  users: number;
  days: number;
  /** Start of the simulated period, ms since the epoch (UTC). */
  startMs: number;
  seed: number;
  /** Successful attempts per attacker kind. */
  attacks: number;
  /** Addresses sampled from the GeoIP database to find cities and their networks. */
  geoSamples: number;

  loginsPerWeek: number;
  loginSpread: number;
  extraDeviceShare: number;
  mobileShare: number;
  cookieClearsPerMonth: number;
  newDevicesPerYear: number;
  browserReleaseDays: number;
  tripsPerYear: number;
  abroadShare: number;
  tripDays: number;
  flightKmh: number;
  airportHours: number;
  vpnUsers: number;
  vpnShare: number;
  ropgShare: number;
  typoShare: number;
  cellularShare: number;
  hostChangesPerWeek: number;
  subnetChangesPerMonth: number;
  rateScale: number;

  stuffingSuccess: number;
  stuffingMissingShare: number;
  sprayingSuccess: number;
  sprayingMissingShare: number;
}

/** Options of the command line that are not simulation knobs. */
export interface OutputOptions {
  format: 'jsonl' | 'csv';
  /** Output file; null: stdout. */
  out: string | null;
  /** Data directory; undefined: the default (a `shared/data` folder beside the repository, when present); null: built-in lists only. */
  dataDir: string | null | undefined;
}

type Kind = 'int' | 'number' | 'share' | 'date';

interface FlagSpec {
  flag: string;
  key: keyof SimulateOptions;
  kind: Kind;
  default: number;
  /** Multiplied by `--rate-scale` (divided, for a period such as `--browser-release-days`). */
  scaled?: 'times' | 'divide';
  help: string;
  source: string;
}

/**
 * The simulation flags, each with its default and where the default comes from. `npm run
 * simulate -- --help` prints this table; `docs/simulate.md` explains the models that use them.
 */
export const SIMULATE_FLAGS: readonly FlagSpec[] = [
  { flag: 'users', key: 'users', kind: 'int', default: 2000, help: 'simulated accounts', source: 'issue 14: the realistic default run' },
  { flag: 'days', key: 'days', kind: 'number', default: 120, help: 'length of the simulated period, days', source: 'issue 14: the realistic default run' },
  { flag: 'start', key: 'startMs', kind: 'date', default: Date.parse('2026-01-05T00:00:00.000Z'), help: 'start of the period (ISO 8601, UTC)', source: 'fixed, so a seed alone fixes the output' },
  { flag: 'seed', key: 'seed', kind: 'int', default: 1, help: 'random seed: same seed and flags, same bytes', source: '-' },
  { flag: 'attacks', key: 'attacks', kind: 'int', default: 400, help: 'successful attempts per attacker kind', source: 'issue 14' },
  { flag: 'geo-samples', key: 'geoSamples', kind: 'int', default: 150_000, help: 'random addresses looked up to find cities and their networks', source: 'measured: ~17k cities, ~6k of them with two networks or more, in about a second' },

  { flag: 'logins-per-week', key: 'loginsPerWeek', kind: 'number', default: 1.5, help: 'mean successful logins per user per week', source: 'assumption: 2,000 users × 120 days ≈ 50k logins, the issue\'s realistic run' },
  { flag: 'login-spread', key: 'loginSpread', kind: 'number', default: 1.2, help: 'σ of log(logins per week) across users (log-normal)', source: 'assumption: heavy-tailed, so users fall in every history bucket (0, 1–2, 3–9, 10–29, 30+)' },
  { flag: 'extra-device-share', key: 'extraDeviceShare', kind: 'share', default: 0.5, help: 'chance of each further device at the start (1–3 devices: 50/25/25 %)', source: 'assumption' },
  { flag: 'mobile-share', key: 'mobileShare', kind: 'share', default: 0.55, help: 'share of devices that are phones or tablets', source: 'StatCounter GlobalStats, desktop vs mobile page views 2024–2025 (~55–60 % mobile)' },
  { flag: 'cookie-clears-per-month', key: 'cookieClearsPerMonth', kind: 'number', default: 0.3, scaled: 'times', help: 'device-cookie losses per device per month', source: 'comScore, "The Impact of Cookie Deletion on the Accuracy of Site-Server and Ad-Server Metrics", June 2007: 31 % of US home computers cleared first-party cookies within a month (a Poisson rate of 0.37); its serial resetters are not modelled' },
  { flag: 'new-devices-per-year', key: 'newDevicesPerYear', kind: 'number', default: 0.4, scaled: 'times', help: 'new devices per user per year (the oldest of 3 is retired)', source: 'assumption: phones replaced every ~2.5–3 years, computers every ~4–5' },
  { flag: 'browser-release-days', key: 'browserReleaseDays', kind: 'number', default: 28, scaled: 'divide', help: 'days between majors of Chrome, Edge, Opera, Firefox (the UA major moves)', source: 'Chrome every 4 weeks since 94 (Chromium blog, March 2021); Firefox every 4 weeks since 2020 (Mozilla, Sept 2019)' },
  { flag: 'trips-per-year', key: 'tripsPerYear', kind: 'number', default: 2, scaled: 'times', help: 'trips per user per year (flight, hotel network, the way back)', source: 'assumption' },
  { flag: 'abroad-share', key: 'abroadShare', kind: 'share', default: 0.35, help: 'share of trips that leave the home country', source: 'assumption' },
  { flag: 'trip-days', key: 'tripDays', kind: 'number', default: 4, help: 'median stay at the destination, days (log-normal)', source: 'assumption' },
  { flag: 'flight-kmh', key: 'flightKmh', kind: 'number', default: 800, help: 'travel speed on the great circle, km/h', source: 'issue 14; jet cruise speed (Okta uses 805 km/h)' },
  { flag: 'airport-hours', key: 'airportHours', kind: 'number', default: 3, help: 'hours added to every journey (to the airport, security, boarding, from the airport)', source: 'assumption' },
  { flag: 'vpn-users', key: 'vpnUsers', kind: 'share', default: 0.2, help: 'share of users who own a VPN', source: 'assumption (surveys put monthly VPN use at a fifth to a third of internet users)' },
  { flag: 'vpn-share', key: 'vpnShare', kind: 'share', default: 0.03, scaled: 'times', help: 'share of legit logins made through a VPN', source: 'assumption' },
  { flag: 'ropg-share', key: 'ropgShare', kind: 'share', default: 0.05, scaled: 'times', help: 'share of legit logins by password grant (ROPG): no device id, no user agent', source: 'assumption' },
  { flag: 'typo-share', key: 'typoShare', kind: 'share', default: 0.03, scaled: 'times', help: 'share of legit logins preceded by a mistyped password (a failed attempt, labelled legit)', source: 'assumption (Chatterjee et al., "pASSWORD tYPOS and How to Correct Them Securely", IEEE S&P 2016, found typos a common cause of failed logins at Dropbox)' },
  { flag: 'cellular-share', key: 'cellularShare', kind: 'share', default: 0.4, help: 'share of phone and app logins over the mobile carrier rather than Wi-Fi', source: 'assumption (phones spend most time on Wi-Fi at home)' },
  { flag: 'host-changes-per-week', key: 'hostChangesPerWeek', kind: 'number', default: 1, scaled: 'times', help: 'home address changes within its /24 per week', source: 'assumption after Padmanabhan et al., "Reasons Dynamic Addresses Change", IMC 2016 (some ISPs renumber daily, others hold for weeks)' },
  { flag: 'subnet-changes-per-month', key: 'subnetChangesPerMonth', kind: 'number', default: 0.5, scaled: 'times', help: 'home /24 changes within the ISP network per month', source: 'assumption after Padmanabhan et al., IMC 2016' },
  { flag: 'rate-scale', key: 'rateScale', kind: 'number', default: 1, help: 'multiplies every behaviour rate marked "scaled" (0.5 and 1.5 for the ±50 % checks)', source: 'issue 14' },

  { flag: 'stuffing-success', key: 'stuffingSuccess', kind: 'share', default: 0.02, help: 'credential stuffing: share of attempts that succeed', source: 'the 0.1–2 % per attempt widely repeated in industry write-ups on stuffing (no primary measurement); the top keeps the log small' },
  { flag: 'stuffing-missing-share', key: 'stuffingMissingShare', kind: 'share', default: 0.5, help: 'credential stuffing: share of failed attempts on accounts that do not exist', source: 'assumption (combo lists come from other sites)' },
  { flag: 'spraying-success', key: 'sprayingSuccess', kind: 'share', default: 0.02, help: 'password spraying: share of attempts that succeed', source: 'assumption (no published per-attempt rate)' },
  { flag: 'spraying-missing-share', key: 'sprayingMissingShare', kind: 'share', default: 0.1, help: 'password spraying: share of targeted accounts that do not exist', source: 'assumption (usernames harvested for this service)' },
];

/** Every flag at its default. */
export const DEFAULT_OPTIONS: SimulateOptions = Object.fromEntries(SIMULATE_FLAGS.map((f) => [f.key, f.default])) as unknown as SimulateOptions;

/**
 * The options with `rateScale` applied to every flag marked scaled, and shares capped at 1.
 * `rateScale` itself becomes 1, so applying twice changes nothing.
 */
export function applyRateScale(opts: SimulateOptions): SimulateOptions {
  const out = { ...opts, rateScale: 1 };
  for (const f of SIMULATE_FLAGS) {
    if (!f.scaled) continue;
    const v = opts[f.key] as number;
    let scaled = f.scaled === 'times' ? v * opts.rateScale : v / opts.rateScale;
    if (f.kind === 'share') scaled = Math.min(1, scaled);
    (out as Record<keyof SimulateOptions, number>)[f.key] = scaled;
  }
  return out;
}

const OUTPUT_HELP = [
  ['--out FILE', 'write the log to FILE instead of stdout'],
  ['--format jsonl|csv', 'JSON Lines (default) or CSV with a header row'],
  ['--data-dir DIR', 'ua/uap-core-user-agents.txt and iplists/* (x4bnet-vpn-ipv4.txt, x4bnet-datacenter-ipv4.txt, ipsum.txt); default a shared/data folder beside the repository when present; "none": built-in lists'],
  ['--help', 'this text'],
] as const;

/** The `--help` text: every flag with its default and source. */
export function helpText(): string {
  const lines = [
    'Usage: npm run simulate -- [flags] > logins.jsonl',
    '',
    'Writes a labelled login log (legit users and attackers), deterministic by seed. Flags:',
    '',
  ];
  for (const f of SIMULATE_FLAGS) {
    const def = f.kind === 'date' ? new Date(f.default).toISOString() : String(f.default);
    const scaled = f.scaled ? ' [scaled by --rate-scale]' : '';
    lines.push(`  --${f.flag} (default ${def})${scaled}`, `      ${f.help}`, `      source: ${f.source}`);
  }
  lines.push('');
  for (const [flag, help] of OUTPUT_HELP) lines.push(`  ${flag}`, `      ${help}`);
  return `${lines.join('\n')}\n`;
}

/** What parsing the command line gave. */
export type ParsedFlags =
  | { ok: true; help: true }
  | { ok: true; help: false; options: SimulateOptions; output: OutputOptions }
  | { ok: false; error: string };

function parseValue(f: FlagSpec, raw: string): number | string {
  if (f.kind === 'date') {
    const ms = Date.parse(raw);
    return /^\d{4}-\d{2}-\d{2}/.test(raw) && Number.isFinite(ms) ? ms : `--${f.flag} must be an ISO 8601 date, got "${raw}"`;
  }
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n)) return `--${f.flag} must be a number, got "${raw}"`;
  if (f.kind === 'int' && (!Number.isInteger(n) || n < 0)) return `--${f.flag} must be a whole number ≥ 0, got "${raw}"`;
  if (f.kind === 'share' && (n < 0 || n > 1)) return `--${f.flag} must be between 0 and 1, got "${raw}"`;
  if (n < 0) return `--${f.flag} must not be negative, got "${raw}"`;
  return n;
}

/** Parse `argv` (without the node and script paths) strictly: unknown flags and bad values are errors. */
export function parseSimulateFlags(argv: readonly string[]): ParsedFlags {
  const options: Record<string, { type: 'string' | 'boolean' }> = {
    out: { type: 'string' },
    format: { type: 'string' },
    'data-dir': { type: 'string' },
    help: { type: 'boolean' },
  };
  for (const f of SIMULATE_FLAGS) options[f.flag] = { type: 'string' };
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
  if (values.help === true) return { ok: true, help: true };

  const opts = { ...DEFAULT_OPTIONS };
  for (const f of SIMULATE_FLAGS) {
    const raw = values[f.flag];
    if (typeof raw !== 'string') continue;
    const v = parseValue(f, raw);
    if (typeof v === 'string') return { ok: false, error: v };
    (opts as Record<keyof SimulateOptions, number>)[f.key] = v;
  }
  if (opts.users < 1) return { ok: false, error: '--users must be at least 1' };
  if (opts.geoSamples < 1000) return { ok: false, error: '--geo-samples must be at least 1000 (too few cities otherwise)' };
  if (!(opts.days > 0)) return { ok: false, error: '--days must be positive' };
  for (const key of ['flightKmh', 'browserReleaseDays', 'tripDays', 'rateScale'] as const) {
    if (!(opts[key] > 0)) return { ok: false, error: `--${SIMULATE_FLAGS.find((f) => f.key === key)!.flag} must be positive` };
  }
  if (opts.stuffingSuccess === 0 || opts.sprayingSuccess === 0) {
    return { ok: false, error: '--stuffing-success and --spraying-success must be above 0' };
  }

  const format = values.format ?? 'jsonl';
  if (format !== 'jsonl' && format !== 'csv') return { ok: false, error: `--format must be jsonl or csv, got "${String(format)}"` };
  const out = typeof values.out === 'string' && values.out !== '-' ? values.out : null;
  const rawDir = values['data-dir'];
  const dataDir = typeof rawDir !== 'string' ? undefined : rawDir === 'none' ? null : rawDir;
  return { ok: true, help: false, options: opts, output: { format, out, dataDir } };
}
