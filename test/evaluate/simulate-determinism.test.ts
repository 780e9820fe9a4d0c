import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/evaluate/simulate/cli.js';
import { LOG_COLUMNS } from '../../src/evaluate/simulate/log-writer.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-sim-'));
  // The run summary goes to stderr; keep the test output clean.
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterAll(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

async function simulateTo(name: string, ...flags: string[]): Promise<string> {
  const out = join(dir, name);
  const code = await main(['--data-dir', 'none', '--users', '150', '--attacks', '15', '--geo-samples', '40000', '--out', out, ...flags]);
  expect(code).toBe(0);
  return readFile(out, 'utf8');
}

describe('vigil simulate output', () => {
  it('is the same bytes for the same seed and differs for another seed', async () => {
    const a = await simulateTo('a.jsonl', '--seed', '7');
    const b = await simulateTo('b.jsonl', '--seed', '7');
    const c = await simulateTo('c.jsonl', '--seed', '8');
    expect(a.length).toBeGreaterThan(1000);
    expect(b).toBe(a);
    expect(c).not.toBe(a);
  });

  it('keeps the legit rows when only the attack count changes (each model draws from its own stream)', async () => {
    const legit = (text: string) => text.split('\n').filter((l) => l.includes('"label":"legit"'));
    const few = await simulateTo('few.jsonl', '--seed', '3', '--attacks', '5');
    const many = await simulateTo('many.jsonl', '--seed', '3', '--attacks', '30');
    expect(legit(few).length).toBeGreaterThan(100);
    expect(legit(many)).toEqual(legit(few));
  });

  it('writes JSON Lines with every column, in time order', async () => {
    const rows = (await simulateTo('rows.jsonl', '--seed', '4')).trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
    for (const r of rows) expect(Object.keys(r)).toEqual([...LOG_COLUMNS]);
    const times = rows.map((r) => Date.parse(r.timestamp!));
    expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
    expect(rows.every((r) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(r.timestamp!))).toBe(true);
  });

  it('writes the same rows as CSV with a header (RFC 4180 quoting for user agents with commas)', async () => {
    const jsonl = (await simulateTo('same.jsonl', '--seed', '5')).trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
    const csv = await simulateTo('same.csv', '--seed', '5', '--format', 'csv');
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(LOG_COLUMNS.join(','));
    expect(lines.at(-1)).toBe('');
    expect(lines.length - 2).toBe(jsonl.length);
    // "(KHTML, like Gecko)" holds a comma: the field is quoted.
    const withComma = jsonl.findIndex((r) => r.user_agent!.includes(','));
    expect(withComma).toBeGreaterThanOrEqual(0);
    expect(lines[withComma + 1]).toContain(`,"${jsonl[withComma]!.user_agent}",`);
  });

  it('refuses unknown flags and bad values with exit code 2', async () => {
    expect(await main(['--no-such-flag'])).toBe(2);
    expect(await main(['--vpn-share', '1.5'])).toBe(2);
    expect(await main(['--format', 'xml'])).toBe(2);
    expect(await main(['--users', '0'])).toBe(2);
    expect(await main(['--data-dir', join(dir, 'no-such-dir')])).toBe(2);
  });

  it('fails with exit code 1 when the output cannot be written', async () => {
    const code = await main(['--data-dir', 'none', '--users', '5', '--attacks', '1', '--geo-samples', '20000', '--out', join(dir, 'missing', 'x.jsonl')]);
    expect(code).toBe(1);
  });
});
