import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltDeps } from '../../src/compose.js';
import { columnConfig } from '../../src/evaluate/replay/column-config.js';
import { openColumn } from '../../src/evaluate/replay/open-column.js';
import type { LoginRow } from '../../src/evaluate/replay/reader.js';
import { replayLogins, type ReplayedLogin } from '../../src/evaluate/replay/runner.js';
import { Tally } from '../../src/evaluate/replay/tally.js';
import { BROWSERS, IP } from '../support/logins.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';

/**
 * A tiny hand-written log through the real production path (assessLogin / recordEvent over a
 * real Redis, default configuration): each row's decision, what history learned from it, and
 * the history buckets the tally counts.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
// Recent enough for the service's timestamp check: no shift needed.
const T0 = Math.floor((Date.now() - 3 * 86_400_000) / HOUR) * HOUR;

let record = 0;
function row(r: Partial<LoginRow> & Pick<LoginRow, 'userId' | 'atMs'>): LoginRow {
  return {
    record: ++record,
    ip: undefined,
    userAgent: undefined,
    deviceId: undefined,
    application: undefined,
    email: undefined,
    label: 'legit',
    labelled: true,
    outcome: 'success',
    ...r,
  };
}

const alice = { userId: 'alice', email: 'alice@example.com' };
const bob = { userId: 'bob' }; // no email: an unenrolled user who cannot verify one
const carol = { userId: 'carol', email: 'carol@example.com' };
const ATTACKER_IP = '77.1.1.1';
const STUFFER_IP = '77.2.2.2';

/** The log, in time order, with what each row must come to. */
const LOG: { row: LoginRow; expect: Partial<ReplayedLogin> & { codes?: Record<string, string> } }[] = [
  // 1. Alice's first login: nothing known, so the default cold start challenges it; she passes and it is committed.
  {
    row: row({ ...alice, atMs: T0, ip: IP.london, userAgent: BROWSERS.d1, deviceId: 'a-1' }),
    expect: { action: 'challenge', committed: true, history: 0, reasons: ['initial_login'], codes: { NewDevice: 'initial_login', Familiarity: 'initial_login' } },
  },
  // 2. Same device and place: a match, familiar, allowed.
  {
    row: row({ ...alice, atMs: T0 + 10 * MINUTE, ip: IP.london, userAgent: BROWSERS.d1, deviceId: 'a-1' }),
    expect: { action: 'allow', committed: true, history: 1, codes: { NewDevice: 'match', ImpossibleTravel: 'minimal_travel_from_last_login', Familiarity: 'familiar' } },
  },
  // 3. A stolen cookie from Tokyo 20 minutes later: impossible travel and the known cookie in a new country → challenged, never committed.
  {
    row: row({ ...alice, atMs: T0 + 30 * MINUTE, ip: IP.tokyo, userAgent: BROWSERS.d1, deviceId: 'a-1', label: 'attack:stolen_cookie' }),
    expect: {
      action: 'challenge',
      committed: false,
      history: 2,
      codes: { NewDevice: 'match', ImpossibleTravel: 'impossible_travel_from_last_login' },
      reasons: ['impossible_travel_from_last_login', 'known_device_new_country', 'familiarity'],
    },
  },
  // 4. A naive attacker from Tokyo on a new browser: challenged, not committed.
  {
    row: row({ ...alice, atMs: T0 + 31 * MINUTE, ip: IP.tokyo, userAgent: BROWSERS.d2, deviceId: 'x-9', label: 'attack:naive' }),
    expect: { action: 'challenge', committed: false, history: 2, codes: { NewDevice: 'no_match', Familiarity: 'unfamiliar' } },
  },
  // 5. Alice herself in Tokyo an hour later on a new phone: challenged, passes MFA, committed.
  {
    row: row({ ...alice, atMs: T0 + HOUR, ip: IP.tokyo, userAgent: BROWSERS.d3, deviceId: 'a-2' }),
    expect: { action: 'challenge', committed: true, history: 2, codes: { NewDevice: 'no_match', ImpossibleTravel: 'impossible_travel_from_last_login' } },
  },
  // 6. The phone again, in Tokyo: known and close, so the challenged login was committed.
  {
    row: row({ ...alice, atMs: T0 + 2 * HOUR, ip: IP.tokyo, userAgent: BROWSERS.d3, deviceId: 'a-2' }),
    expect: { action: 'allow', committed: true, history: 3, codes: { NewDevice: 'match', ImpossibleTravel: 'minimal_travel_from_last_login' } },
  },
  // 7. Bob's first login, with no email to verify: the cold-start challenge cannot be met, so denied, not committed.
  {
    row: row({ ...bob, atMs: T0 + 3 * HOUR, ip: IP.tokyo, userAgent: BROWSERS.d1, deviceId: 'b-1' }),
    expect: { action: 'deny', committed: false, history: 0, reasons: ['initial_login', 'email_required'] },
  },
  // 8–9. Bob again, on the same and on a new device: a deny teaches history nothing, so still his first login.
  {
    row: row({ ...bob, atMs: T0 + 3 * HOUR + 30 * MINUTE, ip: IP.tokyo, userAgent: BROWSERS.d1, deviceId: 'b-1' }),
    expect: { action: 'deny', committed: false, history: 0, codes: { NewDevice: 'initial_login' } },
  },
  {
    row: row({ ...bob, atMs: T0 + 3 * HOUR + 40 * MINUTE, ip: IP.london, userAgent: BROWSERS.d2, deviceId: 'b-2' }),
    expect: { action: 'deny', committed: false, history: 0, codes: { NewDevice: 'initial_login', ImpossibleTravel: 'initial_login' } },
  },
  // 10–19. Ten wrong passwords for Carol from one address (the default brute-force threshold).
  ...Array.from({ length: 10 }, (_, i) => ({
    row: row({ ...carol, atMs: T0 + 4 * HOUR + i * MINUTE, ip: ATTACKER_IP, label: 'attack:credential_stuffing', outcome: 'failure' as const }),
    expect: { kind: 'failure' as const, action: null, committed: false },
  })),
  // 20. Then the right one from there: the account's failures from that IP mark it.
  {
    row: row({ ...carol, atMs: T0 + 4 * HOUR + 11 * MINUTE, ip: ATTACKER_IP, label: 'attack:credential_stuffing' }),
    expect: { action: 'challenge', committed: false, history: 0, codes: { UntrustedIP: 'found_on_deny_list' }, reasons: ['found_on_deny_list', 'initial_login'] },
  },
  // 21. Carol herself from elsewhere: unaffected by the address, her first login (cold start), committed after MFA.
  {
    row: row({ ...carol, atMs: T0 + 5 * HOUR, ip: IP.us, userAgent: BROWSERS.d5, deviceId: 'c-1' }),
    expect: { action: 'challenge', committed: true, history: 0, reasons: ['initial_login'], codes: { UntrustedIP: 'not_found_on_deny_list' } },
  },
];

describe('replayLogins over a real Redis', () => {
  let redis: TestRedis;
  let deps: BuiltDeps;
  const logger = pino({ level: 'silent' });

  const columnOf = (keyPrefix: string) =>
    columnConfig({ name: 'defaults', path: null }, { lists: new Map(), env: {}, redisUrl: redis.url, keyPrefix, fetchLists: false });
  beforeAll(async () => {
    redis = await startTestRedis();
    deps = (await openColumn(columnOf('vigil:'), logger)).deps;
  });
  afterAll(async () => {
    await deps?.close();
    await redis?.stop();
  });

  const replay = async (concurrency: number, rows = LOG.map((l) => l.row)) => {
    await redis.client().flushall();
    const out: ReplayedLogin[] = [];
    await replayLogins(deps, rows, { shiftMs: 0, concurrency, onLogin: (login, i) => (out[i] = login) });
    return out;
  };

  it('gives each row of a hand-written log its expected decision, commit and history count', async () => {
    const out = await replay(1);
    LOG.forEach(({ expect: want }, i) => {
      const got = out[i]!;
      const { codes, ...rest } = want;
      expect(got, `row ${i + 1}`).toMatchObject({ error: null, kind: 'assessed', ...rest });
      if (codes) expect(got.codes, `row ${i + 1}`).toMatchObject(codes);
    });
  });

  it('counts the rows into history buckets and classes', async () => {
    const tally = new Tally();
    for (const login of await replay(1)) tally.add(login);
    const s = tally.summary();
    const legit = s.classes.find((c) => c.class === 'legit')!;
    // Alice 0,1,2,3 · Bob 0,0,0 · Carol 0.
    expect(legit.buckets.map((b) => [b.bucket, b.logins, b.challenged, b.denied])).toEqual([
      ['0', 5, 2, 3],
      ['1–2', 2, 1, 0],
      ['3–9', 1, 0, 0],
      ['10–29', 0, 0, 0],
      ['30+', 0, 0, 0],
    ]);
    expect(legit.all).toMatchObject({ logins: 8, challenged: 3, denied: 3 });
    expect(s.classes.map((c) => [c.class, c.all.logins, c.all.challenged + c.all.denied, c.failures])).toEqual([
      ['legit', 8, 6, 0],
      ['attack:credential_stuffing', 1, 1, 10],
      ['attack:naive', 1, 1, 0],
      ['attack:stolen_cookie', 1, 1, 0],
    ]);
    // Alice 4 (two of them challenged), Carol 1; Bob's denies teach nothing.
    expect(s).toMatchObject({ rows: LOG.length, failuresRecorded: 10, committed: 5, errors: {} });
  });

  it('scores the same whatever the concurrency when logins share the population counts: merged between blocks of rows', async () => {
    // 150 users on two networks and browsers, each logging in twice: every second login's score
    // reads how many of the others' commits the population counts hold.
    const users = Array.from({ length: 150 }, (_, i) => ({ userId: `pop-${i}`, email: `pop-${i}@example.com` }));
    const login = (u: (typeof users)[number], i: number, at: number) =>
      row({ ...u, atMs: at, ip: i % 2 ? IP.london : IP.tokyo, userAgent: i % 2 ? BROWSERS.d1 : BROWSERS.d2, deviceId: `${u.userId}-d` });
    const rows = [...users.map((u, i) => login(u, i, T0 + i * 1000)), ...users.map((u, i) => login(u, i, T0 + HOUR + i * 1000))];
    // Each run on fresh dependencies and keys: the population counts live in the process.
    const scores = async (concurrency: number) => {
      const own = (await openColumn(columnOf(`pop-${concurrency}:`), logger)).deps;
      const out: ReplayedLogin[] = [];
      try {
        await replayLogins(own, rows, { shiftMs: 0, concurrency, onLogin: (l, i) => (out[i] = l) });
      } finally {
        await own.close();
      }
      return out.map((l) => l.familiarity);
    };
    const one = await scores(1);
    expect(one.slice(150).every((f) => f !== null)).toBe(true);
    expect(await scores(64)).toEqual(one);
    expect(await scores(7)).toEqual(one);
  });

  it('decides the same whatever the concurrency: a login waits for its user and its IP', async () => {
    const strip = (ls: ReplayedLogin[]) => ls.map(({ action, codes, reasons, committed, history, score }) => ({ action, codes, reasons, committed, history, score }));
    const one = strip(await replay(1));
    expect(strip(await replay(64))).toEqual(one);
  });

  it('orders logins of different users by their IP: failures held up behind their users still flag the address first', async () => {
    // Twenty accounts log in from home, then fail from one address (the default distinct-
    // accounts threshold). Each failure waits for its user's login; Dave's login from that
    // address after them must wait for them too, though it shares no user with them.
    const rows: LoginRow[] = [];
    for (let i = 0; i < 20; i++) {
      rows.push(row({ userId: `user-${i}`, atMs: T0 + 6 * HOUR + i * MINUTE, ip: `81.2.69.${10 + i}`, userAgent: BROWSERS.d1, deviceId: `d-${i}` }));
      rows.push(row({ userId: `user-${i}`, atMs: T0 + 6 * HOUR + i * MINUTE + 1000, ip: STUFFER_IP, label: 'attack:credential_stuffing', outcome: 'failure' }));
    }
    rows.push(row({ userId: 'dave', email: 'dave@example.com', atMs: T0 + 6 * HOUR + 20 * MINUTE, ip: STUFFER_IP, label: 'attack:credential_stuffing' }));
    for (const concurrency of [1, 64]) {
      const dave = (await replay(concurrency, rows)).at(-1)!;
      expect(dave.codes.UntrustedIP, `concurrency ${concurrency}`).toBe('found_on_deny_list');
    }
  });
});
