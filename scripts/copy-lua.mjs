// `npm run build`: tsc compiles src/ to dist/src/; the stores' Lua scripts (src/stores/**/*.lua),
// which the compiled modules read next to themselves (src/platform/redis/lua-script.ts), are
// copied there too.
import { cpSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const from = 'src';
const to = 'dist/src';
let copied = 0;
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith('.lua')) {
      cpSync(path, join(to, relative(from, path)));
      copied++;
    }
  }
};
walk(from);
if (copied === 0) throw new Error('no .lua file under src/');
