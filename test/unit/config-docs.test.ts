import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { fileSchema } from '../../src/config.js';

/**
 * docs/configuration.md lists every environment variable `src/config.ts` reads and every key of
 * the config file, each key with the default the schema applies, so the reference cannot drift
 * from the code.
 */

const doc = readFileSync('docs/configuration.md', 'utf8');

/** The first cell of each table row, with the row's cells. */
const rows = doc
  .split('\n')
  .filter((line) => line.startsWith('| `'))
  .map((line) => line.split(' | ').map((cell) => cell.replace(/^\| |\s*\|$/g, '').trim()));

/** A documented leaf: its path as the docs write it, and its default when the schema has one. */
interface Leaf {
  path: string;
  default?: unknown;
}

type AnySchema = z.core.$ZodType;
const WRAPPERS = new Set(['default', 'prefault', 'optional', 'nullable']);

function unwrap(s: AnySchema): AnySchema {
  let t = s;
  while (WRAPPERS.has(t._zod.def.type)) t = (t._zod.def as unknown as { innerType: AnySchema }).innerType;
  return t;
}

/** Leaves of the file schema: object keys joined by dots, `[]` for array items, `<name>` for record keys. */
function leaves(s: AnySchema, path: string, inherited: { default?: unknown }, out: Leaf[]): void {
  const def = s._zod.def as unknown as Record<string, unknown> & { type: string };
  if (def.type === 'default') {
    leaves(def.innerType as AnySchema, path, { default: def.defaultValue }, out);
    return;
  }
  if (WRAPPERS.has(def.type)) {
    leaves(def.innerType as AnySchema, path, inherited, out);
    return;
  }
  const leaf = (): void => void out.push({ path, ...inherited });
  if (def.type === 'array') {
    const element = unwrap(def.element as AnySchema);
    if (element._zod.def.type === 'object') leaves(element, `${path}[]`, {}, out);
    else leaf();
    return;
  }
  if (def.type === 'record') {
    const value = unwrap(def.valueType as AnySchema);
    if (value._zod.def.type === 'object') leaves(value, `${path}.<name>`, {}, out);
    else leaf();
    return;
  }
  if (def.type === 'object') {
    const shape = def.shape as Record<string, AnySchema>;
    const keys = Object.keys(shape);
    // A token bucket ({burst, refillSeconds}) is documented as one row.
    if (keys.length === 2 && keys.includes('burst') && keys.includes('refillSeconds')) {
      const bucket = (s as z.ZodType).parse({}) as { burst: number; refillSeconds: number };
      out.push({ path, default: `burst ${bucket.burst}, refillSeconds ${bucket.refillSeconds}` });
      return;
    }
    for (const key of keys) leaves(shape[key]!, path === '' ? key : `${path}.${key}`, {}, out);
    return;
  }
  leaf();
}

/** How a default is written in the docs' default column, backticks removed. */
function written(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return JSON.stringify(value).replaceAll(',', ', ');
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

describe('docs/configuration.md', () => {
  it('lists every environment variable src/config.ts reads', () => {
    const source = readFileSync('src/config.ts', 'utf8');
    const start = source.indexOf('const envSchema = z.object({');
    expect(start).toBeGreaterThan(-1);
    const body = source.slice(start, source.indexOf('\n});', start));
    // The Redis variables are spread into the schema from a function of their own.
    const redisStart = source.indexOf('function redisEnv() {');
    expect(redisStart).toBeGreaterThan(-1);
    const redisBody = source.slice(redisStart, source.indexOf('\n}', redisStart));
    const names = [...`${body}\n${redisBody}`.matchAll(/^ {2,4}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(20);
    const documented = new Set(rows.flatMap((cells) => [...cells[0]!.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]!)));
    expect(names.filter((n) => !documented.has(n))).toEqual([]);
  });

  it('lists every key of the config file with its default', () => {
    const all: Leaf[] = [];
    leaves(fileSchema, '', {}, all);
    expect(all.length).toBeGreaterThan(60);
    const byPath = new Map(rows.map((cells) => [cells[0]!.replaceAll('`', ''), cells]));
    const missing = all.filter((l) => !byPath.has(l.path)).map((l) => l.path);
    expect(missing).toEqual([]);
    const wrong = all
      .filter((l) => 'default' in l)
      .map((l) => ({ path: l.path, documented: byPath.get(l.path)![1]!.replaceAll('`', ''), code: written(l.default) }))
      .filter((r) => r.documented !== r.code);
    expect(wrong).toEqual([]);
  });

  it('documents no key the schema does not have', () => {
    const all: Leaf[] = [];
    leaves(fileSchema, '', {}, all);
    // A leaf's ancestors (`denyRules[].allOf` of `denyRules[].allOf[].code`) may have rows too.
    const paths = new Set(all.flatMap((l) => [...l.path.matchAll(/(?=\.|\[\]\.|$)/g)].map((m) => l.path.slice(0, m.index))));
    const fileRows = rows.map((cells) => cells[0]!.replaceAll('`', '')).filter((p) => /^[a-z]/.test(p) && !p.includes(' '));
    expect(fileRows.filter((p) => !paths.has(p))).toEqual([]);
  });
});
