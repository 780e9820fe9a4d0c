import { describe, expect, it } from 'vitest';
import { countsOf, named } from '../../bench/support/callgrind.js';

// A dump in callgrind's format, as `--callgrind-out-file` writes it: compressed names, a call
// (whose cost line is the callee's inclusive cost and must not count twice), subpositions.
const DUMP = `# callgrind format
version: 1
positions: line
events: Ir
summary: 1730

ob=(1) /usr/bin/node
fl=(1) ???
fn=(1) Builtins_LoadIC
0 100
+2 20
fn=(2) v8::internal::compiler::GraphReducer::ReduceTop()
0 1000
cfn=(1)
calls=3 0
0 120
fn=(3) 0x0000000000001010
0 300
cfn=(2)
calls=1 0
0 1000
fn=(1)
* 10
fn=(4) 0x0000000000002000
0 300
totals: 1730
`;

describe('callgrind dumps (bench/instructions.ts)', () => {
  it('sums cost lines once, leaving out the inclusive cost of calls, and finds the compiler', () => {
    const c = countsOf(DUMP);
    expect(c.total).toBe(1730);
    expect(c.compiler).toBe(1000);
    expect(c.byFunction.get('Builtins_LoadIC')).toBe(130);
    expect(c.byFunction.get('0x0000000000001010')).toBe(300);
  });

  it('refuses a dump whose totals line disagrees with its cost lines', () => {
    expect(() => countsOf(DUMP.replace('totals: 1730', 'totals: 1731'))).toThrow(/totals line says 1731/);
  });

  it('names JIT code from a perf map, merging by name, and keeps what the map lacks apart', () => {
    const byName = named(countsOf(DUMP).byFunction, '1000 40 JS:*assessLogin dist/src/service/assess-login.js:18\n');
    expect(byName.get('JS:*assessLogin dist/src/service/assess-login.js:18')).toBe(300);
    expect(byName.get('JIT code (unnamed)')).toBe(300);
    expect(byName.get('Builtins_LoadIC')).toBe(130);
  });
});
