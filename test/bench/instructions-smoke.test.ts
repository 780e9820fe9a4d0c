import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runScript } from '../support/run-script.js';

const hasValgrind = spawnSync('valgrind', ['--version']).status === 0;

/**
 * Keeps `bench/instructions.ts` from rotting: the bare route and this tree's Vigil (its
 * sources, under tsx) under callgrind for a few dozen requests. It checks that counting works
 * and that Vigil, which does more per request, counts more; never a figure. Skipped where
 * valgrind is not installed.
 */
describe.skipIf(!hasValgrind)('bench/instructions.ts, a few requests', () => {
  it('counts both servers and prints the table', { timeout: 240_000 }, async () => {
    const { code, stdout, stderr } = await runScript('bench/instructions.ts', ['--users', '200', '--warmup', '60', '--requests', '30', '--connections', '4']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const count = (name: string) => {
      const m = new RegExp(`^${name}\\s+([\\d,]+)\\s`, 'm').exec(stdout);
      expect(m, stdout).not.toBeNull();
      return Number(m![1]!.replaceAll(',', ''));
    };
    const bare = count('bare fastify');
    const vigil = count('vigil');
    expect(bare).toBeGreaterThan(10_000);
    expect(vigil).toBeGreaterThan(bare);
    expect(stdout).toMatch(/\{"200":30\}/);
  });
});
