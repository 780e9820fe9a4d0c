import { createWriteStream, existsSync } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { buildInputs } from './build-inputs.js';
import { helpText, parseSimulateFlags } from './flags.js';
import { defaultDataDir, loadInputs } from './load-inputs.js';
import { formatLog } from './log-writer.js';
import { simulate } from './simulate.js';
import { summaryText } from './summary.js';

/** Write every chunk, waiting for the stream to drain; rejects with the stream's error. */
async function writeAll(out: Writable, chunks: Iterable<string>): Promise<void> {
  for (const chunk of chunks) {
    // `once` rejects when the stream emits 'error' while we wait.
    if (!out.write(chunk)) await once(out, 'drain');
  }
}

/**
 * `vigil simulate`: parse flags, load the inputs, simulate, write the log to stdout (or
 * `--out`), and a summary to stderr. Returns the exit code: 0; 1 when the run or the write
 * fails; 2 for bad flags. A reader that closes stdout early (`| head`) ends the run quietly.
 */
export async function main(argv: string[]): Promise<number> {
  const parsed = parseSimulateFlags(argv);
  if (!parsed.ok) {
    process.stderr.write(`vigil simulate: ${parsed.error}\nRun with --help for the flags.\n`);
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(helpText());
    return 0;
  }
  const { options, output } = parsed;
  if (typeof output.dataDir === 'string' && !existsSync(output.dataDir)) {
    process.stderr.write(`vigil simulate: --data-dir ${output.dataDir} does not exist (use "none" for the built-in lists)\n`);
    return 2;
  }
  const began = performance.now();
  let out: Writable | null = null;
  try {
    const dataDir = output.dataDir === undefined ? defaultDataDir() : output.dataDir;
    const inputs = buildInputs(await loadInputs(dataDir), options.seed, options.geoSamples);
    const result = simulate(inputs, options);

    out = output.out === null ? process.stdout : createWriteStream(output.out);
    const failed = new Promise<never>((_, reject) => out!.once('error', reject));
    failed.catch(() => {}); // observed below; keeps an early error from going unhandled
    await Promise.race([writeAll(out, formatLog(result.logins, output.format)), failed]);
    if (output.out !== null) {
      out.end();
      await Promise.race([once(out, 'finish'), failed]);
    }
    const seconds = ((performance.now() - began) / 1000).toFixed(1);
    process.stderr.write(`${summaryText(result, inputs)}${result.logins.length} rows in ${seconds} s\n`);
    return 0;
  } catch (err) {
    if (out === process.stdout && (err as NodeJS.ErrnoException).code === 'EPIPE') return 0;
    process.stderr.write(`vigil simulate: ${(err as Error).message}\n`);
    return 1;
  }
}
