/** `npm run replay -- LOG [options]` (see `--help` and docs/evaluate.md). */
import { main } from '../evaluate/replay/cli.js';

process.exitCode = await main(process.argv.slice(2));
