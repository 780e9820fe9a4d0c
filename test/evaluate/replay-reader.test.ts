import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LoginLogError, readLoginLog } from '../../src/evaluate/replay/reader.js';

/** The login log reader: both formats, RFC 4180 quoting, empty = missing, time order, and refusal of bad records. */

const dir = mkdtempSync(join(tmpdir(), 'vigil-reader-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('readLoginLog', () => {
  it('reads CSV with RFC 4180 quoting (commas, quotes and line breaks inside fields), CRLF and a BOM', async () => {
    const ua = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "Quoted"';
    const path = file(
      'log.csv',
      '\uFEFFuser_id,timestamp,ip,user_agent,device_id,application,email,label,outcome,unknown\r\n' +
        `u1,2026-01-05T08:12:44.000Z,81.2.69.142,"${ua.replaceAll('"', '""')}",d1,,u1@example.com,legit,,x\r\n` +
        `"u,2",2026-01-05T09:00:00Z,,"line one\nline two",,web,,attack:very_targeted,failure,\r\n`,
    );
    const log = await readLoginLog(path);
    expect(log.format).toBe('csv');
    expect(log.rows).toEqual([
      {
        record: 1,
        userId: 'u1',
        atMs: Date.parse('2026-01-05T08:12:44.000Z'),
        ip: '81.2.69.142',
        userAgent: ua,
        deviceId: 'd1',
        application: undefined,
        email: 'u1@example.com',
        label: 'legit',
        labelled: true,
        outcome: 'success',
      },
      {
        record: 2,
        userId: 'u,2',
        atMs: Date.parse('2026-01-05T09:00:00Z'),
        ip: undefined,
        userAgent: 'line one\nline two',
        deviceId: undefined,
        application: 'web',
        email: undefined,
        label: 'attack:very_targeted',
        labelled: true,
        outcome: 'failure',
      },
    ]);
  });

  it('reads JSON Lines, numbers as text, a missing label as legit, and sorts out-of-order rows stably', async () => {
    const lines = [
      { user_id: 7, timestamp: '2026-01-05T10:00:00Z', ip: null, label: 'Attack:Naive' },
      { user_id: 'b', timestamp: '2026-01-05T09:00:00+01:00' },
      { user_id: 'c', timestamp: '2026-01-05T10:00:00Z', ip: '' },
    ];
    const log = await readLoginLog(file('log.jsonl', `${lines.map((l) => JSON.stringify(l)).join('\n')}\n\n`));
    expect(log.format).toBe('jsonl');
    expect(log.outOfOrder).toBe(1);
    expect(log.rows.map((r) => [r.record, r.userId, r.label, r.labelled, r.ip])).toEqual([
      [2, 'b', 'legit', false, undefined],
      [1, '7', 'attack:naive', true, undefined],
      [3, 'c', 'legit', false, undefined],
    ]);
  });

  it('sniffs the format of stdin and of a file without a telling name', async () => {
    const jsonl = `${JSON.stringify({ user_id: 'a', timestamp: '2026-01-05T10:00:00Z' })}\n`;
    const fromStdin = await readLoginLog('-', { stdin: Readable.from([Buffer.from(jsonl)]) });
    expect(fromStdin.format).toBe('jsonl');
    expect(fromStdin.rows).toHaveLength(1);
    const csvLog = await readLoginLog(file('export.txt', 'user_id,timestamp\na,2026-01-05T10:00:00Z\n'));
    expect(csvLog.format).toBe('csv');
    expect(csvLog.rows[0]?.userId).toBe('a');
  });

  it('skips the banner npm writes before a script\'s output, whatever the chunking, and keeps multi-byte text whole', async () => {
    const banner = '\n> vigil@0.1.0 simulate\n> npm run -s build && node dist/src/cli/simulate.js --users 2\n\n';
    const record = `${JSON.stringify({ user_id: 'zoë', timestamp: '2026-01-05T10:00:00Z' })}\n`;
    const bytes = Buffer.from(banner + record);
    // One byte at a time: the banner's end and the "ë" both fall across chunk boundaries.
    const chunks = [...bytes].map((b) => Buffer.from([b]));
    for (const input of [[bytes], chunks]) {
      const log = await readLoginLog('-', { stdin: Readable.from(input) });
      expect(log.format).toBe('jsonl');
      expect(log.rows.map((r) => r.userId)).toEqual(['zoë']);
    }
    const csvLog = await readLoginLog(file('npm.csv', `${banner}user_id,timestamp\na,2026-01-05T10:00:00Z\n`));
    expect(csvLog.rows.map((r) => r.userId)).toEqual(['a']);
  });

  it('refuses a log with bad records, naming each (up to ten) and counting all', async () => {
    const bad = Array.from({ length: 12 }, (_, i) => JSON.stringify({ user_id: `u${i}`, timestamp: `2026-02-30T10:00:0${i % 10}Z` }));
    const err = await readLoginLog(file('bad.jsonl', [JSON.stringify({ user_id: 'ok', timestamp: '2026-01-05T10:00:00Z', outcome: 'maybe' }), ...bad].join('\n'))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LoginLogError);
    const e = err as LoginLogError;
    expect(e.total).toBe(13);
    expect(e.problems).toHaveLength(10);
    expect(e.problems[0]).toBe('record 1: outcome must be "success" or "failure"');
    expect(e.message).toContain('… and 3 more');
  });
});
