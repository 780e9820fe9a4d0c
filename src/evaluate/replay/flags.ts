import { basename, extname } from 'node:path';
import { parseArgs } from 'node:util';
import type { ColumnSpec } from './column-config.js';
import { PASSED_ENV } from './column-config.js';
import type { LogFormat } from './reader.js';

/** What `vigil replay` was asked to do. */
export interface ReplayFlags {
  /** The login log, or `-` for stdin. */
  log: string;
  format: LogFormat | undefined;
  columns: ColumnSpec[];
  /** List source name → local file replacing its URL. */
  lists: Map<string, string>;
  fetchLists: boolean;
  /** An existing Redis; null starts a throwaway redis-server. */
  redisUrl: string | null;
  concurrency: number;
  json: string | null;
  html: string | null;
  decisions: string | null;
  quiet: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'silent';
}

export class FlagError extends Error {
  override readonly name = 'FlagError';
}

/** Default logins in flight at once; see `ReplayOptions.concurrency`. */
export const DEFAULT_CONCURRENCY = 64;
export const DEFAULT_HTML = 'replay-report.html';
/** `--config defaults` names the built-in defaults, so they can sit beside a file as a column. */
const DEFAULTS = 'defaults';

export const HELP = `Usage: npm run replay -- LOG [options]

Replay a login log through Vigil's production path (POST /v1/assess and POST /v1/events in
process, over a real Redis) and report challenge and deny rates of legit logins by history
length, catch rates per attack kind, codes and reasons, and a threshold sweep.
See docs/evaluate.md.

LOG                    JSON Lines (.jsonl) or CSV (.csv) login log, "-" for stdin; columns
                       user_id, timestamp, ip, user_agent, device_id, application, email,
                       label (legit | attack:<kind>), outcome (success | failure)

Options:
  --config FILE        a Vigil config file (VIGIL_CONFIG's JSON); repeat for side-by-side
                       columns. "defaults" is the built-in configuration. Default: defaults.
  --list NAME=PATH     read IP list source NAME from a local file instead of its url
                       (repeatable; applies to every --config that has that source)
  --fetch-lists        fetch list sources that still name a url (default: refuse them)
  --redis URL          use this Redis instead of starting a throwaway redis-server; never
                       flushed: each column writes under its own key prefix, deleted after
  --concurrency N      logins in flight at once (default ${DEFAULT_CONCURRENCY}); a login waits for the
                       previous one of its user and from its IP, so results do not depend on it
  --json FILE          write the report as JSON
  --html FILE          write the HTML report here (default ${DEFAULT_HTML})
  --no-html            write no HTML report
  --decisions FILE     write every row's decision as JSON Lines, in log order
  --format jsonl|csv   the log's format when its name does not say (default: sniffed)
  --quiet              no progress bar
  --log-level LEVEL    the service's log, on stderr (default error)
  -h, --help           this text

Environment, read as the service reads it: ${PASSED_ENV.join(', ')}.
The replay sets the rest itself (generous deadlines, no list refresh job, email steps offered).`;

/** Parse `vigil replay`'s arguments; null when `--help` was asked for. */
export function parseReplayFlags(argv: readonly string[]): ReplayFlags | null {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        config: { type: 'string', multiple: true },
        list: { type: 'string', multiple: true },
        'fetch-lists': { type: 'boolean', default: false },
        redis: { type: 'string' },
        concurrency: { type: 'string' },
        json: { type: 'string' },
        html: { type: 'string' },
        'no-html': { type: 'boolean', default: false },
        decisions: { type: 'string' },
        format: { type: 'string' },
        quiet: { type: 'boolean', default: false },
        'log-level': { type: 'string', default: 'error' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    throw new FlagError((err as Error).message);
  }
  const v = parsed.values;
  if (v.help) return null;
  if (parsed.positionals.length !== 1) throw new FlagError(parsed.positionals.length === 0 ? 'give the login log to replay' : `one login log, got ${parsed.positionals.length}`);

  const lists = new Map<string, string>();
  for (const item of v.list ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0 || eq === item.length - 1) throw new FlagError(`--list ${item}: expected NAME=PATH`);
    lists.set(item.slice(0, eq), item.slice(eq + 1));
  }
  const concurrency = v.concurrency === undefined ? DEFAULT_CONCURRENCY : Number(v.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 4096) throw new FlagError('--concurrency must be an integer from 1 to 4096');
  if (v.format !== undefined && v.format !== 'jsonl' && v.format !== 'csv') throw new FlagError('--format must be jsonl or csv');
  if (v.redis !== undefined && !/^rediss?:\/\//.test(v.redis)) throw new FlagError('--redis must be a redis:// or rediss:// URL');
  const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'silent'] as const;
  const logLevel = levels.find((l) => l === v['log-level']);
  if (logLevel === undefined) throw new FlagError(`--log-level must be one of ${levels.join(', ')}`);
  if (v['no-html'] && v.html !== undefined) throw new FlagError('--html and --no-html contradict each other');

  return {
    log: parsed.positionals[0]!,
    format: v.format as LogFormat | undefined,
    columns: columnsOf(v.config ?? [DEFAULTS]),
    lists,
    fetchLists: v['fetch-lists'] ?? false,
    redisUrl: v.redis ?? null,
    concurrency,
    json: v.json ?? null,
    html: v['no-html'] ? null : (v.html ?? DEFAULT_HTML),
    decisions: v.decisions ?? null,
    quiet: v.quiet ?? false,
    logLevel,
  };
}

/** Columns named after their files (without `.json`), made unique with a number where two share a name. */
function columnsOf(configs: readonly string[]): ColumnSpec[] {
  const seen = new Map<string, number>();
  return configs.map((c) => {
    const path = c === DEFAULTS ? null : c;
    const base = path === null ? DEFAULTS : basename(path, extname(path));
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return { name: n === 1 ? base : `${base} (${n})`, path };
  });
}
