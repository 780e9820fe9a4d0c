import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/errors.js';

/** README's error table and src/errors.ts must list the same codes with the same statuses. */
describe('error codes', () => {
  it('match the README table', () => {
    const readme = readFileSync('README.md', 'utf8');
    const section = readme.slice(readme.indexOf('### Error codes'));
    const rows = [...section.matchAll(/^\| `([a-z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1], Number(m[2])]);
    const documented = Object.fromEntries(rows);
    const code = Object.fromEntries(Object.entries(ERROR_CODES).map(([k, v]) => [k, v.status]));
    expect(documented).toEqual(code);
  });
});
