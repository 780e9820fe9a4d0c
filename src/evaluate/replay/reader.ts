import { createReadStream } from 'node:fs';
import { extname } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { parse as parseCsv } from 'csv-parse';
import { z } from 'zod';

/**
 * One login attempt of a login log (docs/evaluate.md "The login log"), validated. Empty and
 * missing fields are both `undefined`.
 */
export interface LoginRow {
  /** Record number in the file, from 1 (the CSV header is not counted), for messages. */
  record: number;
  userId: string;
  /** When it happened, epoch ms, as written in the log (before any shift). */
  atMs: number;
  ip: string | undefined;
  userAgent: string | undefined;
  deviceId: string | undefined;
  application: string | undefined;
  email: string | undefined;
  /** `legit` or `attack:<kind>`; a row without a label is `legit` (and `labelled` is false). */
  label: string;
  labelled: boolean;
  /** `failure`: the password was wrong, the login service reports `login_failed` instead of assessing. */
  outcome: 'success' | 'failure';
}

/** The whole log, in time order. */
export interface LoginLog {
  rows: LoginRow[];
  format: LogFormat;
  /** Rows that were not in time order in the file (they are sorted, stably). */
  outOfOrder: number;
}

export type LogFormat = 'jsonl' | 'csv';

/** A log that cannot be replayed as it is: every problem found (the first {@link MAX_PROBLEMS}), with record numbers. */
export class LoginLogError extends Error {
  override readonly name = 'LoginLogError';
  constructor(readonly problems: string[], readonly total: number) {
    super(`${total} bad record${total === 1 ? '' : 's'} in the login log:\n${problems.map((p) => `  - ${p}`).join('\n')}${total > problems.length ? `\n  … and ${total - problems.length} more` : ''}`);
  }
}

const MAX_PROBLEMS = 10;
/** As `src/risk/context/login-timestamp.ts` accepts them: ISO 8601 with a zone. */
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
/** `attack:<word>`; the simulator's kinds are words of letters, digits and `_` (docs/evaluate.md). */
const LABEL = /^(legit|attack:[a-z0-9_-]{1,64})$/i;

/** A text field: strings as they are, numbers as their text (a JSON user id may be a number), empty as absent. */
const text = z
  .union([z.string(), z.number(), z.null()])
  .optional()
  .transform((v) => (v === null || v === undefined || v === '' ? undefined : String(v)));

const rowSchema = z.object({
  user_id: text.refine((v) => v !== undefined, 'is required'),
  timestamp: text
    .refine((v) => v !== undefined, 'is required')
    .refine((v) => v === undefined || isoTime(v), 'must be ISO 8601 with a zone and a real date, e.g. 2026-01-05T08:12:44.000Z'),
  ip: text,
  user_agent: text,
  device_id: text,
  application: text,
  email: text,
  label: text.refine((v) => v === undefined || LABEL.test(v), 'must be "legit" or "attack:<kind>"'),
  outcome: text.refine((v) => v === undefined || v === 'success' || v === 'failure', 'must be "success" or "failure"'),
});

/** An ISO 8601 time with a zone on a real calendar day (Date.parse rolls 2026-02-30 over to March; the service refuses it). */
function isoTime(v: string): boolean {
  if (!ISO_WITH_ZONE.test(v) || Number.isNaN(Date.parse(v))) return false;
  const [y, m, d] = v.slice(0, 10).split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d)).getUTCDate() === d;
}

/** The format of `path`: by extension (`.csv`; `.jsonl`, `.ndjson`, `.json`), else null (sniffed from the content). */
export function formatOf(path: string): LogFormat | null {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson' || ext === '.json') return 'jsonl';
  return null;
}

/**
 * Read a login log (JSON Lines or CSV with a header row, RFC 4180 quoting) from a file, or from
 * stdin when `path` is `-`. Unknown columns are ignored. Throws {@link LoginLogError} listing the
 * bad records when any record is malformed: a broken export should be fixed, not half-replayed.
 */
export async function readLoginLog(path: string, opts: { format?: LogFormat; stdin?: Readable } = {}): Promise<LoginLog> {
  const open = () => (path === '-' ? (opts.stdin ?? process.stdin) : createReadStream(path));
  let format = opts.format ?? (path === '-' ? null : formatOf(path));
  const source = withoutBanner(open());
  if (format === null) {
    // Sniff: a JSON Lines log starts with `{`; a CSV log with its header row.
    const { first, rest } = await peek(source);
    format = first.trimStart().startsWith('{') ? 'jsonl' : 'csv';
    return collect(format, rest);
  }
  return collect(format, source);
}

async function collect(format: LogFormat, source: AsyncIterable<Buffer | string>): Promise<LoginLog> {
  const rows: LoginRow[] = [];
  const problems: string[] = [];
  let bad = 0;
  let outOfOrder = 0;
  let latest = -Infinity;
  let record = 0;
  for await (const raw of format === 'jsonl' ? jsonRecords(source) : csvRecords(source)) {
    record++;
    const row = toRow(raw, record);
    if (typeof row === 'string') {
      if (problems.length < MAX_PROBLEMS) problems.push(`record ${record}: ${row}`);
      bad++;
      continue;
    }
    if (row.atMs < latest) outOfOrder++;
    else latest = row.atMs;
    rows.push(row);
  }
  if (bad > 0) throw new LoginLogError(problems, bad);
  // Array.prototype.sort is stable: logins at the same millisecond keep the file's order.
  if (outOfOrder > 0) rows.sort((a, b) => a.atMs - b.atMs);
  return { rows, format, outOfOrder };
}

function toRow(raw: unknown, record: number): LoginRow | string {
  if (typeof raw === 'string') return raw;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'not an object';
  const parsed = rowSchema.safeParse(raw);
  if (!parsed.success) return parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ');
  const r = parsed.data;
  const label = r.label ?? 'legit';
  return {
    record,
    userId: r.user_id!,
    atMs: Date.parse(r.timestamp!),
    ip: r.ip,
    userAgent: r.user_agent,
    deviceId: r.device_id,
    application: r.application,
    email: r.email,
    // `Legit`, `ATTACK:Naive`: one spelling per class in the report.
    label: label.toLowerCase(),
    labelled: r.label !== undefined,
    outcome: r.outcome ?? 'success',
  };
}

/** One parsed object per non-empty line; a line that is not JSON yields its error message. */
async function* jsonRecords(source: AsyncIterable<Buffer | string>): AsyncGenerator<unknown> {
  const lines = createInterface({ input: asReadable(source), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    try {
      yield JSON.parse(line);
    } catch (err) {
      yield `not JSON: ${(err as Error).message}`;
    }
  }
}

/** One object per CSV record, keyed by the header row; quoting per RFC 4180. */
async function* csvRecords(source: AsyncIterable<Buffer | string>): AsyncGenerator<unknown> {
  const parser = asReadable(source).pipe(parseCsv({ columns: true, bom: true, skip_empty_lines: true, trim: false }));
  yield* parser;
}

/** The sniffed stream (its first chunk put back) as a stream again; a file or stdin as it is. */
function asReadable(source: AsyncIterable<Buffer | string>): Readable {
  return source instanceof Readable ? source : Readable.from(source, { objectMode: false });
}

/**
 * `source` without the lines npm writes to stdout before a script's own output (blank lines and
 * lines starting with `> `), so `npm run simulate -- … > logins.jsonl` can be replayed as it is.
 * Only leading lines are dropped; neither a JSON Lines record nor a CSV header starts so.
 */
async function* withoutBanner(source: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer | string> {
  let head = Buffer.alloc(0);
  const it = source[Symbol.asyncIterator]();
  for (;;) {
    const next = await it.next();
    if (next.done) {
      if (head.length > 0) yield head;
      return;
    }
    head = Buffer.concat([head, Buffer.from(next.value)]);
    // Banner lines are ASCII: read as latin1, string offsets are byte offsets.
    const text = head.toString('latin1');
    const banner = /^(?:[ \t]*\r?\n|> [^\n]*\n)*/.exec(text)![0];
    const rest = text.slice(banner.length);
    // Undecided while what is left could still be the start of a banner line.
    if (/^[ \t\r]*$/.test(rest) || (rest.startsWith('>') && !rest.includes('\n'))) continue;
    yield head.subarray(banner.length);
    break;
  }
  for (;;) {
    const next = await it.next();
    if (next.done) return;
    yield next.value;
  }
}

/** The first chunk of `source`, and an iterable that yields it again followed by the rest. */
async function peek(source: AsyncIterable<Buffer | string>): Promise<{ first: string; rest: AsyncIterable<Buffer | string> }> {
  const it = source[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const head = await it.next();
  const first = head.done ? '' : String(head.value);
  async function* rest(): AsyncGenerator<Buffer | string> {
    if (!head.done) yield head.value;
    for (;;) {
      const next = await it.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { first, rest: rest() };
}
