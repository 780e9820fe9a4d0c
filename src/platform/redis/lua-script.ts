import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A Lua script as a store defines it: read once from a `.lua` file beside the store, named
 * `<name>-<number of keys>.lua` as BullMQ names its commands (its `addJob-6.lua`
 * there), so the key count is part of the file's name and checked on every call.
 */
export interface LuaScript {
  /** The file's name without the key count, e.g. `commit-login`. */
  readonly name: string;
  readonly numberOfKeys: number;
  readonly lua: string;
  /** SHA-1 of `lua`, as EVALSHA names it. */
  readonly sha: string;
}

const NAMED = /^([a-z0-9-]+)-(\d+)$/;

/**
 * Read the script at `url` (`new URL('./commit-login-1.lua', import.meta.url)`). The build
 * copies `.lua` files next to the compiled modules (`scripts/copy-lua.mjs`), so the same
 * relative URL works from `dist/` and from the sources under tsx.
 */
export function luaScript(url: URL): LuaScript {
  const path = fileURLToPath(url);
  const stem = basename(path, extname(path));
  const m = NAMED.exec(stem);
  if (extname(path) !== '.lua' || !m) throw new Error(`${path}: a script file is named <name>-<number of keys>.lua`);
  const lua = readFileSync(path, 'utf8');
  return { name: m[1]!, numberOfKeys: Number(m[2]), lua, sha: createHash('sha1').update(lua).digest('hex') };
}
