import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import { buildInputs } from './build-inputs.js';
import { parseSimulateFlags, helpText } from './flags.js';
import { defaultDataDir, loadInputs } from './load-inputs.js';
import { formatLog } from './log-writer.js';
import { simulate } from './simulate.js';
import { summaryText } from './summary.js';

async function writeAll(out: Writable, chunks: Iterable<string>): Promise<void> {
  for (const chunk of chunks) {
    if (!out.write(chunk)) await once(out, 'drain');
  }
}

/**
 * `vigil simulate`: parse flags, load the inputs, simulate, write the log to stdout (or
 * `--out`), and a summary to stderr. Returns the exit code: 0, or 2 for bad flags.
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
  const began = performance.now();
  const dataDir = output.dataDir === undefined ? defaultDataDir() : output.dataDir;
  const inputs = buildInputs(await loadInputs(dataDir), options.seed, options.geoSamples);
  const result = simulate(inputs, options);

  const out: Writable = output.out === null ? process.stdout : createWriteStream(output.out);
  await writeAll(out, formatLog(result.logins, output.format));
  if (output.out !== null) {
    out.end();
    await once(out, 'finish');
  }
  const seconds = ((performance.now() - began) / 1000).toFixed(1);
  process.stderr.write(`${summaryText(result, inputs)}${result.logins.length} rows in ${seconds} s\n`);
  return 0;
}
