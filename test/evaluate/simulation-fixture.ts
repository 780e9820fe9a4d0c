import { buildInputs, type BuiltInputs } from '../../src/evaluate/simulate/build-inputs.js';
import { DEFAULT_OPTIONS, type SimulateOptions } from '../../src/evaluate/simulate/flags.js';
import { loadInputs } from '../../src/evaluate/simulate/load-inputs.js';
import { simulate, type SimResult } from '../../src/evaluate/simulate/simulate.js';

/**
 * Inputs for the simulator tests: the bundled DB-IP database and the built-in lists only
 * (tests never read a data directory), with a smaller GeoIP sample than the CLI's default.
 */
export async function testInputs(seed = 1, geoSamples = 80_000): Promise<BuiltInputs> {
  return buildInputs(await loadInputs(null), seed, geoSamples);
}

/** A run over `inputs` with the defaults and `overrides`. */
export function run(inputs: BuiltInputs, overrides: Partial<SimulateOptions> = {}): SimResult {
  return simulate(inputs, { ...DEFAULT_OPTIONS, geoSamples: 80_000, ...overrides });
}
