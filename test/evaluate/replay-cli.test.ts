import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/evaluate/replay/cli.js';
import type { ReplayReport } from '../../src/evaluate/replay/report-data.js';
import { BROWSERS, IP } from '../support/logins.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';

/**
 * `vigil replay` as a user runs it: a CSV log (RFC 4180 quoting) older than the service
 * accepts, two configurations side by side, JSON, HTML and per-row output; its own throwaway
 * Redis, or one given with --redis that it must leave as it found it.
 */

function sink(): Writable & { text: () => string } {
  const chunks: string[] = [];
  const w = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return Object.assign(w, { text: () => chunks.join('') });
}

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = sink();
  const stderr = sink();
  const code = await main(argv, { stdout, stderr, env: {} });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

const csv = (cells: string[]) => cells.map((c) => (/[",\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(',');

describe('vigil replay (main)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-replay-'));
  const log = join(dir, 'logins.csv');
  // Two years ago: older than VIGIL_MAX_TIMESTAMP_AGE_DAYS (365) accepts, so the replay shifts it.
  const t0 = Date.UTC(new Date().getUTCFullYear() - 2, 2, 3, 8, 0, 0);
  const at = (minutes: number) => new Date(t0 + minutes * 60_000).toISOString();
  const header = ['user_id', 'timestamp', 'ip', 'user_agent', 'device_id', 'application', 'email', 'label', 'outcome', 'extra'];
  const rows = [
    ['alice', at(0), IP.london, BROWSERS.d1, 'a-1', '', 'alice@example.com', 'legit', '', 'ignored'],
    // A new device at home: NewDevice no_match, but the home network is familiar: allowed.
    ['alice', at(10), IP.london, BROWSERS.d2, 'a-2', '', 'alice@example.com', 'legit', '', ''],
    // The same device again: known only if the login before was committed.
    ['alice', at(20), IP.london, BROWSERS.d2, 'a-2', '', 'alice@example.com', 'legit', '', ''],
    ['alice', at(30), IP.tokyo, 'Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 "Firefox"/132.0', '', 'default', 'alice@example.com', 'attack:naive', '', ''],
    ['alice', at(31), IP.tokyo, '', '', '', '', 'attack:naive', 'failure', ''],
  ];
  writeFileSync(log, `${[header, ...rows].map(csv).join('\r\n')}\r\n`);
  const lenient = join(dir, 'lenient.json');
  // One value changed: what a login with no history weighs (default 1 nat, which challenges it; 0 is Auth0's neutral).
  writeFileSync(lenient, JSON.stringify({ combiner: { evidence: { coldStartNats: 0 } } }));

  it('replays a CSV log per configuration: the changed value moves the decisions, the shift is whole weeks', async () => {
    const json = join(dir, 'report.json');
    const html = join(dir, 'report.html');
    const decisions = join(dir, 'decisions.jsonl');
    const r = await run([log, '--config', 'defaults', '--config', lenient, '--json', json, '--html', html, '--decisions', decisions, '--concurrency', '1']);
    expect(r.stderr).not.toContain('failed');
    expect(r.code).toBe(0);

    const report = JSON.parse(readFileSync(json, 'utf8')) as ReplayReport;
    expect(report.input).toMatchObject({ format: 'csv', rows: 5, logins: 4, failures: 1, unlabelled: 0, shift: { reason: 'too_old' } });
    expect(report.input.shift.days % 7).toBe(0);
    expect(report.input.shift.days).toBeGreaterThan(365);
    expect(report.columns.map((c) => [c.name, c.settings['combiner.evidence.coldStartNats']])).toEqual([
      ['defaults', 1],
      ['lenient', 0],
    ]);

    const lines = readFileSync(decisions, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const byColumn = (name: string) => lines.filter((l) => l.column === name);
    expect(byColumn('defaults').map((l) => [l.record, l.action, l.codes.NewDevice ?? null])).toEqual([
      [1, 'challenge', 'initial_login'],
      [2, 'allow', 'no_match'],
      [3, 'allow', 'match'],
      [4, 'challenge', 'no_match'],
      [5, null, null],
    ]);
    // Every score is the logistic of its evidence less bands.lowNats (1).
    for (const l of lines.filter((x) => x.evidence !== null)) {
      const nats = Object.values(l.evidence as Record<string, number>).reduce((a, b) => a + b, 0);
      expect(l.score).toBeCloseTo(1 / (1 + Math.exp(-(nats - 1))), 3);
    }
    // The first login is the only one the changed value moves: allowed, as Auth0 would.
    expect(byColumn('lenient').map((l) => [l.record, l.action])).toEqual([
      [1, 'allow'],
      [2, 'allow'],
      [3, 'allow'],
      [4, 'challenge'],
      [5, null],
    ]);
    expect(byColumn('defaults')[0].evidence).toEqual({ initial_login: 1 });
    expect(byColumn('lenient')[0].evidence).toEqual({});
    // The challenged first login passed MFA and was committed: the history is the same in both columns.
    expect(byColumn('defaults').slice(1).map((l) => l.score)).toEqual(byColumn('lenient').slice(1).map((l) => l.score));
    expect(byColumn('defaults')[2].codes.NewDevice).toBe('match');

    const legit = (i: number) => report.columns[i]!.classes.find((c) => c.class === 'legit')!;
    expect(legit(0).all).toMatchObject({ logins: 3, challenged: 1 });
    expect(legit(1).all).toMatchObject({ logins: 3, challenged: 0 });
    expect(legit(0).buckets.find((b) => b.bucket === '0')).toMatchObject({ logins: 1, challenged: 1 });

    expect(r.stdout).toContain('Timestamps shifted by +');
    expect(r.stdout).toMatch(/defaults: logins\s+challenged\s+denied\s+lenient: logins/);
    expect(readFileSync(html, 'utf8')).toContain('data-chart="sweep"');
  });

  describe('with --redis', () => {
    let redis: TestRedis;
    beforeAll(async () => {
      redis = await startTestRedis();
    });
    afterAll(async () => {
      await redis?.stop();
    });

    it('never flushes it: writes under its own prefix per column and deletes only those keys', async () => {
      const client = redis.client();
      await client.set('vigil:{u:alice}', 'operator data');
      await client.set('unrelated', '1');
      const r = await run([log, '--redis', redis.url, '--config', 'defaults', '--config', lenient, '--no-html']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('lenient: logins');
      expect((await client.keys('*')).sort()).toEqual(['unrelated', 'vigil:{u:alice}']);
      expect(await client.get('vigil:{u:alice}')).toBe('operator data');
    });
  });

  it('refuses bad arguments with exit 2 and a bad log with exit 1, naming the records', async () => {
    expect((await run([])).code).toBe(2);
    expect((await run([log, '--concurrency', '0'])).code).toBe(2);
    expect((await run([log, '--list', 'ipsum=/tmp/x'])).stderr).toContain('no --config declares a list source named "ipsum"');

    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, [JSON.stringify({ user_id: 'a', timestamp: at(0) }), '{not json', JSON.stringify({ user_id: 'b', timestamp: '2026-01-01 10:00' }), JSON.stringify({ timestamp: at(1), label: 'evil' })].join('\n'));
    const r = await run([bad, '--no-html']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('3 bad records');
    expect(r.stderr).toContain('record 2: not JSON');
    expect(r.stderr).toMatch(/record 3: timestamp must be ISO 8601/);
    expect(r.stderr).toMatch(/record 4: user_id is required; label must be/);
  });

  it('refuses a list source it would have to fetch unless told to', async () => {
    const fetching = join(dir, 'fetching.json');
    writeFileSync(fetching, JSON.stringify({ lists: [{ name: 'remote', category: 'abuse', url: 'https://lists.example/abuse.txt' }] }));
    const r = await run([log, '--config', fetching, '--no-html']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('give --list remote=PATH');
  });

  it('documents every flag in --help', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--config', '--list', '--fetch-lists', '--redis', '--concurrency', '--json', '--html', '--no-html', '--decisions', '--format', '--quiet', '--log-level', '--help']) {
      expect(r.stdout).toContain(flag);
    }
  });
});
