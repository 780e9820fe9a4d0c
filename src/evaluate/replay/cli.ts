import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import cliProgress from 'cli-progress';
import { pino } from 'pino';
import { ConfigError, type Config } from '../../config.js';
import { startRedisServer, type RedisServer } from '../../platform/redis-server.js';
import { clearColumn } from './clear-column.js';
import { columnConfig, listNames, type ColumnSpec } from './column-config.js';
import { FlagError, HELP, parseReplayFlags, type ReplayFlags } from './flags.js';
import { openColumn } from './open-column.js';
import { LoginLogError, readLoginLog, type LoginLog } from './reader.js';
import { detectionSettings, type ColumnReport, type ReplayReport } from './report-data.js';
import { renderReport } from './report.js';
import { replayLogins, type ReplayedLogin } from './runner.js';
import { renderTable } from './table.js';
import { Tally } from './tally.js';
import { TimeShiftError, timeShift } from './time-shift.js';

const DAY_MS = 86_400_000;

/** Where `main` writes and what it reads besides files; tests pass their own. */
export interface ReplayIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

/**
 * `vigil replay` (`npm run replay -- LOG [options]`, `--help` for the flags): replay a login
 * log through the production path once per configuration and report. Returns the exit code:
 * 0 done, 1 the replay failed, 2 bad arguments.
 */
export async function main(argv: string[], io: ReplayIo = { stdout: process.stdout, stderr: process.stderr, env: process.env }): Promise<number> {
  const say = (s: string) => io.stderr.write(`${s}\n`);
  let flags: ReplayFlags | null;
  try {
    flags = parseReplayFlags(argv);
  } catch (err) {
    if (!(err instanceof FlagError)) throw err;
    say(`vigil replay: ${err.message} (see --help)`);
    return 2;
  }
  if (flags === null) {
    io.stdout.write(`${HELP}\n`);
    return 0;
  }
  try {
    checkListNames(flags);
    // Every configuration is checked before anything starts: a typo fails in a second.
    for (const spec of flags.columns) configOf(flags, spec, io.env, 'redis://127.0.0.1:1', 'vigil:');
    const log = await readLoginLog(flags.log, flags.format === undefined ? {} : { format: flags.format });
    if (log.rows.length === 0) throw new LoginLogError(['the log holds no records'], 1);
    const report = await replay(flags, log, io);
    io.stdout.write(renderTable(report));
    if (flags.json !== null) await writeFile(flags.json, `${JSON.stringify(report, null, 2)}\n`);
    if (flags.html !== null) {
      await writeFile(flags.html, await renderReport(report));
      say(`HTML report: ${flags.html}`);
    }
    return 0;
  } catch (err) {
    if (err instanceof FlagError) {
      say(`vigil replay: ${err.message} (see --help)`);
      return 2;
    }
    if (err instanceof ConfigError || err instanceof LoginLogError || err instanceof TimeShiftError) {
      say(`vigil replay: ${err.message}`);
      return 1;
    }
    say(`vigil replay failed: ${(err as Error).stack ?? String(err)}`);
    return 1;
  }
}

function checkListNames(flags: ReplayFlags): void {
  const declared = new Set(flags.columns.flatMap(listNames));
  for (const name of flags.lists.keys()) {
    if (!declared.has(name)) throw new FlagError(`--list ${name}: no --config declares a list source named "${name}"`);
  }
}

function configOf(flags: ReplayFlags, spec: ColumnSpec, env: NodeJS.ProcessEnv, redisUrl: string, keyPrefix: string): Config {
  return columnConfig(spec, { lists: flags.lists, env, redisUrl, keyPrefix, fetchLists: flags.fetchLists });
}

/** Run every column over `log` and gather the report; owns the throwaway Redis, stopped on every way out. */
async function replay(flags: ReplayFlags, log: LoginLog, io: ReplayIo): Promise<ReplayReport> {
  const { rows } = log;
  const logger = pino({ level: flags.logLevel }, pino.destination({ fd: 2, sync: false }));
  const minMs = rows[0]!.atMs;
  const maxMs = rows[rows.length - 1]!.atMs;
  const probe = configOf(flags, flags.columns[0]!, io.env, 'redis://127.0.0.1:1', 'vigil:');
  const shift = timeShift(minMs, maxMs, Date.now(), probe.maxTimestampAgeDays);
  if (shift.days !== 0) io.stderr.write(`Timestamps shifted by ${shift.days} days to fit the accepted timestamp window.\n`);

  let server: RedisServer | null = null;
  const killServer = () => server?.killNow();
  const interrupted = () => {
    killServer();
    process.exit(130);
  };
  process.once('exit', killServer);
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  const decisions = flags.decisions === null ? null : createWriteStream(flags.decisions);
  try {
    server = flags.redisUrl === null ? await startRedisServer() : null;
    const redisUrl = server?.url ?? flags.redisUrl!;
    const runId = randomBytes(4).toString('hex');
    const columns: ColumnReport[] = [];
    for (const [i, spec] of flags.columns.entries()) {
      // A prefix per column: each starts from nothing, on the replay's own server or on another.
      const keyPrefix = `vigil-replay-${runId}-${i}:`;
      const config = configOf(flags, spec, io.env, redisUrl, keyPrefix);
      const { deps, lists } = await openColumn(config, logger);
      const tally = new Tally();
      const write = decisions === null ? null : orderedWriter(decisions, spec.name);
      const bar = progressBar(flags, io, spec.name, rows.length);
      let done = 0;
      const startedMs = performance.now();
      try {
        await replayLogins(deps, rows, {
          shiftMs: shift.days * DAY_MS,
          concurrency: flags.concurrency,
          onLogin: (login, index) => {
            tally.add(login);
            write?.(login, index);
            if (bar && ++done % 200 === 0) bar.update(done, { rate: Math.round(done / ((performance.now() - startedMs) / 1000)) });
          },
        });
      } finally {
        bar?.update(rows.length);
        bar?.stop();
        await deps.close();
        if (!server) await clearColumn(config, logger);
      }
      const durationMs = performance.now() - startedMs;
      columns.push({ name: spec.name, config: spec.path, settings: detectionSettings(config), lists, durationMs, rowsPerSec: rows.length / (durationMs / 1000), ...tally.summary() });
    }
    return {
      tool: 'vigil replay',
      schema: 1,
      generatedAt: new Date().toISOString(),
      input: {
        log: flags.log,
        format: log.format,
        rows: rows.length,
        logins: rows.filter((r) => r.outcome === 'success').length,
        failures: rows.filter((r) => r.outcome === 'failure').length,
        unlabelled: rows.filter((r) => !r.labelled).length,
        outOfOrder: log.outOfOrder,
        from: new Date(minMs).toISOString(),
        to: new Date(maxMs).toISOString(),
        shift,
      },
      columns,
    };
  } finally {
    await new Promise<void>((resolve) => (decisions ? decisions.end(resolve) : resolve()));
    await (server as RedisServer | null)?.stop();
    process.removeListener('exit', killServer);
    process.removeListener('SIGINT', interrupted);
    process.removeListener('SIGTERM', interrupted);
    logger.flush();
  }
}

/** A progress bar on stderr when it is a terminal and not `--quiet`; else null. */
function progressBar(flags: ReplayFlags, io: ReplayIo, name: string, total: number): cliProgress.SingleBar | null {
  if (flags.quiet || !io.stderr.isTTY) return null;
  const bar = new cliProgress.SingleBar(
    { format: `${name} [{bar}] {percentage}% | {value}/{total} | {rate} logins/s | ETA {eta_formatted}`, stream: io.stderr, hideCursor: true, etaBuffer: 2000 },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { rate: 0 });
  return bar;
}

/** Writes each row's decision as a JSON line, in log order whatever order they finish in. */
function orderedWriter(out: WriteStream, column: string): (login: ReplayedLogin, index: number) => void {
  const waiting = new Map<number, string>();
  let next = 0;
  return (login, index) => {
    waiting.set(index, JSON.stringify(decisionLine(column, login)));
    for (let line = waiting.get(next); line !== undefined; line = waiting.get(next)) {
      waiting.delete(next++);
      out.write(`${line}\n`);
    }
  };
}

function decisionLine(column: string, l: ReplayedLogin): Record<string, unknown> {
  return {
    column,
    record: l.row.record,
    user_id: l.row.userId,
    timestamp: new Date(l.row.atMs).toISOString(),
    label: l.row.label,
    outcome: l.row.outcome,
    history: l.history,
    action: l.action,
    confidence: l.confidence,
    score: l.score,
    codes: l.codes,
    reasons: l.reasons,
    evidence: l.evidence,
    familiarity: l.familiarity,
    committed: l.committed,
    error: l.error,
  };
}

