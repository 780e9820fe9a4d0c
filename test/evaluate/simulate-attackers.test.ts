import { beforeAll, describe, expect, it } from 'vitest';
import { createUaParser } from '../../src/risk/context/user-agent.js';
import type { BuiltInputs } from '../../src/evaluate/simulate/build-inputs.js';
import { cityKey } from '../../src/evaluate/simulate/geo-pool.js';
import { HISTORY_BUCKETS, historyBucket, loginsBefore } from '../../src/evaluate/simulate/history-bucket.js';
import type { Ipv4Network } from '../../src/evaluate/simulate/ipv4-network.js';
import { ATTACK_KINDS, type SimLogin } from '../../src/evaluate/simulate/sim-login.js';
import type { SimResult } from '../../src/evaluate/simulate/simulate.js';
import { parseIpv4 } from '../../src/intel/lists/address.js';
import { run, testInputs } from './simulation-fixture.js';

const MINUTE_MS = 60_000;
const ATTACKS = 120;

let inputs: BuiltInputs;
let result: SimResult;
let legit: SimLogin[];
const rows = (kind: string) => result.logins.filter((l) => l.label === `attack:${kind}`);
const successes = (kind: string) => rows(kind).filter((l) => l.outcome === 'success');
const account = (userId: string) => result.accounts.find((a) => a.user.userId === userId)!;
const place = (ip: string) => inputs.geo.locate(parseIpv4(ip));
const inNetwork = (ip: string, n: Ipv4Network) => {
  const a = parseIpv4(ip);
  return a >= n.start && a < n.start + 2 ** (32 - n.prefix);
};
const parser = createUaParser(0);

/** The commonest string of `uas`, ties to the smaller string (counted here, not by the simulator). */
function commonest(uas: string[]): string {
  const counts = new Map<string, number>();
  for (const ua of uas) counts.set(ua, (counts.get(ua) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0];
}

beforeAll(async () => {
  inputs = await testInputs(2);
  result = run(inputs, { users: 800, attacks: ATTACKS, seed: 2 });
  legit = result.logins.filter((l) => l.label === 'legit');
}, 60_000);

describe('attackers', () => {
  it('each make the requested number of successful attempts, on real users with their emails', () => {
    for (const kind of ATTACK_KINDS) {
      const ok = successes(kind);
      expect([kind, ok.length]).toEqual([kind, ATTACKS]);
      for (const l of ok) {
        const a = account(l.userId);
        expect(a).toBeDefined();
        expect(l.email).toBe(a.user.email);
        expect(l.truth).toBeNull();
      }
    }
  });

  it('hit users of every history length, over the whole period', () => {
    const buckets = new Map(HISTORY_BUCKETS.map((b) => [b, 0]));
    const { startMs, days } = result.effective;
    const endMs = startMs + days * 86_400_000;
    for (const kind of ATTACK_KINDS) {
      // Campaign kinds come in a few bursts; the others are spread one by one.
      const times = successes(kind).map((l) => l.timeMs);
      const campaigns = kind === 'credential_stuffing' || kind === 'password_spraying';
      if (!campaigns) {
        expect(Math.min(...times) - startMs).toBeLessThan((endMs - startMs) * 0.05);
        expect(endMs - Math.max(...times)).toBeLessThan((endMs - startMs) * 0.05);
      }
      for (const l of successes(kind)) {
        const b = historyBucket(loginsBefore(account(l.userId).logins, l.timeMs));
        buckets.set(b, buckets.get(b)! + 1);
      }
    }
    for (const b of HISTORY_BUCKETS) expect([b, buckets.get(b)! >= 10]).toEqual([b, true]);
  });

  it('naive: a routable address GeoIP knows, a browser user agent from the pool, no cookie', () => {
    const pool = new Set(inputs.uas.templates.map((t) => t.ua));
    for (const l of successes('naive')) {
      expect(place(l.ip)).not.toBeNull();
      expect(pool.has(l.userAgent)).toBe(true);
      expect(l.deviceId).toBe('');
    }
  });

  it("vpn: a VPN exit in the victim's country when one is listed there, the most popular user agent", () => {
    const top = commonest(legit.filter((l) => l.userAgent !== '').map((l) => l.userAgent));
    let local = 0;
    for (const l of successes('vpn')) {
      expect(l.userAgent).toBe(top);
      expect(l.deviceId).toBe('');
      const country = account(l.userId).user.home.country;
      const listed = inputs.vpn.byCountry.get(country);
      if (place(l.ip)?.country === country) {
        local++;
        expect([...(listed ?? []), ...(inputs.datacenter.byCountry.get(country) ?? [])].some((n) => inNetwork(l.ip, n))).toBe(true);
      } else {
        expect(listed).toBeUndefined();
        const anywhere = [...inputs.vpn.all, ...(inputs.datacenter.byCountry.get(country) ?? [])];
        expect(anywhere.some((n) => inNetwork(l.ip, n))).toBe(true);
      }
    }
    expect(local).toBeGreaterThan(ATTACKS / 3);
  });

  it("targeted: another network in the victim's home city, the commonest user agent of the victim's family", () => {
    const byFamily = new Map<string, string[]>();
    for (const l of legit) {
      if (l.userAgent === '') continue;
      const f = parser.family(l.userAgent)!;
      byFamily.set(f, [...(byFamily.get(f) ?? []), l.userAgent]);
    }
    for (const l of successes('targeted')) {
      const { user } = account(l.userId);
      expect(cityKey(place(l.ip)!)).toBe(user.home.key);
      expect(inNetwork(l.ip, user.homeBlock)).toBe(false);
      const family = parser.family(l.userAgent)!;
      expect(l.userAgent).toBe(commonest(byFamily.get(family)!));
      expect(l.deviceId).toBe('');
    }
  });

  it("very targeted: the victim's exact user agent, from a city the victim logs in from, another network", () => {
    for (const l of successes('very_targeted')) {
      const a = account(l.userId);
      expect(a.logins.some((x) => x.userAgent === l.userAgent)).toBe(true);
      const city = cityKey(place(l.ip)!);
      expect(city).toBe(a.user.home.key);
      const fromHome = a.logins.filter((x) => x.truth!.network === 'home' && !x.truth!.vpn);
      for (const x of fromHome) expect(cityKey(place(x.ip)!)).toBe(city);
      expect(inNetwork(l.ip, a.user.homeBlock)).toBe(false);
      expect(l.deviceId).toBe('');
    }
  });

  it("stolen cookie: the victim's cookie and user agent from one of their logins 2–60 minutes before, from another country", () => {
    for (const l of successes('stolen_cookie')) {
      const a = account(l.userId);
      const seen = a.logins.filter((x) => x.deviceId === l.deviceId && x.userAgent === l.userAgent && l.timeMs - x.timeMs >= 2 * MINUTE_MS - 1 && l.timeMs - x.timeMs <= 60 * MINUTE_MS + 1);
      expect(seen.length).toBeGreaterThan(0);
      expect(place(l.ip)?.country).not.toBe(a.user.home.country);
    }
  });

  it('credential stuffing: one address or /24 per campaign, missing accounts among the failures, the flagged success ratio', () => {
    const all = rows('credential_stuffing');
    const ratio = ATTACKS / all.length;
    expect(Math.abs(ratio - result.effective.stuffingSuccess)).toBeLessThan(result.effective.stuffingSuccess * 0.05);
    const missing = all.filter((l) => !result.accounts.some((a) => a.user.userId === l.userId));
    expect(missing.every((l) => l.outcome === 'failure' && l.userId === l.email && l.email.endsWith('@example.net'))).toBe(true);
    expect(missing.length / (all.length - ATTACKS)).toBeCloseTo(result.effective.stuffingMissingShare, 1);
    // Campaigns hold 5–30 successes, so at most ATTACKS / 5 sources, each one address or one /24.
    const slash24 = new Set(all.map((l) => l.ip.split('.').slice(0, 3).join('.')));
    expect(slash24.size).toBeLessThanOrEqual(ATTACKS / 5);
    expect(all.every((l) => l.deviceId === '')).toBe(true);
  });

  it('password spraying: a few attempts per account from many addresses, stopping at the success', () => {
    const all = rows('password_spraying');
    expect(Math.abs(ATTACKS / all.length - result.effective.sprayingSuccess)).toBeLessThan(result.effective.sprayingSuccess * 0.25);
    expect(new Set(all.map((l) => l.ip)).size).toBeGreaterThan(100);
    const perAccount = new Map<string, SimLogin[]>();
    for (const l of all) perAccount.set(l.userId, [...(perAccount.get(l.userId) ?? []), l]);
    const DAY_MS = 86_400_000;
    for (const attempts of perAccount.values()) {
      // A campaign's attempts on one account fall within a day; campaigns are days apart.
      let cluster: SimLogin[] = [];
      for (const l of attempts) {
        if (cluster.length > 0 && l.timeMs - cluster.at(-1)!.timeMs > DAY_MS) cluster = [];
        cluster.push(l);
        expect(cluster.length).toBeLessThanOrEqual(3);
        // Nothing after the password was found.
        expect(cluster.slice(0, -1).every((x) => x.outcome === 'failure')).toBe(true);
      }
    }
    expect(all.every((l) => l.deviceId === '')).toBe(true);
  });
});
