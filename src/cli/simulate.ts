/** `npm run simulate -- [flags]`: write a labelled login log (see docs/simulate.md). */
import { main } from '../evaluate/simulate/cli.js';

process.exitCode = await main(process.argv.slice(2));
