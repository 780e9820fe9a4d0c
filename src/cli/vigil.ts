#!/usr/bin/env node
/**
 * The `vigil` command: `vigil simulate [flags]` writes a labelled login log, `vigil replay LOG
 * [flags]` measures detection on one (docs/evaluate.md). Each subcommand's `--help` lists its flags.
 */
import { main as replay } from '../evaluate/replay/cli.js';
import { main as simulate } from '../evaluate/simulate/cli.js';

const commands = new Map([
  ['replay', replay],
  ['simulate', simulate],
]);

const [name, ...args] = process.argv.slice(2);
const command = name === undefined ? undefined : commands.get(name);
if (command === undefined) {
  process.stderr.write(`usage: vigil <${[...commands.keys()].join('|')}> [--help]\n`);
  process.exitCode = name === undefined || name === '--help' ? 0 : 2;
} else {
  process.exitCode = await command(args);
}
