import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/errors.js';

/** The error table of docs/api.md and src/errors.ts must list the same codes with the same statuses. */
describe('error codes', () => {
  it('match the table in docs/api.md', () => {
    const doc = readFileSync('docs/api.md', 'utf8');
    const start = doc.indexOf('\n## Error codes\n');
    expect(start).toBeGreaterThan(-1);
    const end = doc.indexOf('\n## ', start + 1);
    const section = doc.slice(start, end === -1 ? undefined : end);
    const rows = [...section.matchAll(/^\| `([a-z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1], Number(m[2])]);
    const documented = Object.fromEntries(rows);
    const code = Object.fromEntries(Object.entries(ERROR_CODES).map(([k, v]) => [k, v.status]));
    expect(documented).toEqual(code);
  });
});
