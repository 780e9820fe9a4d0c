import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The import rule of src/ (docs/design.md, "Layout"), read from the source: every `import` and
 * `export … from` of every file under src/, type-only ones included (a layer that names an upper
 * layer's types knows it).
 *
 * - Layers run one way: the entry points (main, compose, cli, evaluate) → http → features →
 *   stores → platform. Nothing imports a layer above its own.
 * - A feature (risk, intel, mfa, redis-data) never imports another feature's use cases (the
 *   files on top of its folder and its adapter folders): what it needs of one is an interface
 *   the composition root (src/compose.ts) fills in.
 * - Pure domain (the folders in DOMAIN) and the kernel (config, find-application, errors, caller) import only
 *   pure domain and the kernel, any feature's; every layer may import them. Domain code imports
 *   no module that does I/O and reads neither the environment nor the clock.
 */

const FEATURES = ['risk', 'intel', 'mfa', 'redis-data'] as const;

/** Pure domain: folders (ending in `/`) and files, by feature. */
const DOMAIN: Record<(typeof FEATURES)[number], readonly string[]> = {
  risk: ['assessors/', 'scoring/', 'familiarity/', 'context/', 'history/'],
  intel: ['lists/', 'geo/', 'asn/'],
  mfa: ['otp/', 'email/', 'recovery-code/', 'webauthn/', 'sms/', 'voice/', 'crypto/', 'types.ts', 'factors.ts', 'assurance.ts'],
  'redis-data': [],
};

const KERNEL = ['src/config.ts', 'src/find-application.ts', 'src/errors.ts', 'src/caller.ts'];
const ROOT = ['src/main.ts', 'src/compose.ts', 'src/deps.ts', 'src/cli/', 'src/evaluate/'];

/** Modules that do I/O (files, sockets, processes, Redis, queues, mail, HTTP, logs, metrics): never imported by domain code. */
const IO_MODULES = [
  /^node:(fs|fs\/promises|child_process|worker_threads|cluster|http|https|http2|dgram|dns|module)$/,
  /^(ioredis|bullmq|nodemailer|fastify|pino|prom-client)(\/|$)/,
  /^@fastify\//,
];

type Place =
  | { layer: 'kernel' }
  | { layer: 'domain'; feature: string }
  | { layer: 'platform' | 'stores' | 'http' | 'root' }
  | { layer: 'feature'; feature: string };

const RANK = { platform: 0, stores: 1, feature: 2, http: 3, root: 4 } as const;

/** Where a file of src/ sits, or null when it sits in no layer. */
export function placeOf(path: string): Place | null {
  if (KERNEL.includes(path)) return { layer: 'kernel' };
  if (ROOT.some((r) => (r.endsWith('/') ? path.startsWith(r) : path === r))) return { layer: 'root' };
  for (const layer of ['platform', 'stores', 'http'] as const) if (path.startsWith(`src/${layer}/`)) return { layer };
  for (const feature of FEATURES) {
    const prefix = `src/${feature}/`;
    if (!path.startsWith(prefix)) continue;
    const inner = path.slice(prefix.length);
    const domain = DOMAIN[feature].some((d) => (d.endsWith('/') ? inner.startsWith(d) : inner === d));
    return domain ? { layer: 'domain', feature } : { layer: 'feature', feature };
  }
  return null;
}

const describePlace = (p: Place) => ('feature' in p ? `${p.feature} ${p.layer === 'domain' ? 'domain' : 'use cases'}` : p.layer);

interface Import {
  spec: string;
  /** `import type` / `export type`, or every named binding marked `type`. */
  typeOnly: boolean;
}

/** The module specifiers a source imports or re-exports, static or dynamic. */
export function importsOf(source: string): Import[] {
  const out: Import[] = [];
  for (const m of source.matchAll(/^\s*(?:import|export)\s+(type\s+)?([^;'"()=:]*?)\s*from\s*'([^']+)'/gm)) {
    const clause = m[2]!.trim();
    const named = /^\{([^}]*)\}$/.exec(clause);
    const allTyped = named !== null && named[1]!.split(',').filter((s) => s.trim()).every((s) => s.trim().startsWith('type '));
    out.push({ spec: m[3]!, typeOnly: m[1] !== undefined || allTyped });
  }
  for (const m of source.matchAll(/^\s*import\s+'([^']+)'/gm)) out.push({ spec: m[1]!, typeOnly: false });
  for (const m of source.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)) out.push({ spec: m[1]!, typeOnly: false });
  return out;
}

/** Every breach of the import rule in `files` (path under src/ → source). */
export function layerViolations(files: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  for (const [path, source] of files) {
    const from = placeOf(path);
    if (!from) {
      out.push(`${path}: in no layer (place it, and name it in test/unit/layers.test.ts)`);
      continue;
    }
    const pure = from.layer === 'domain' || from.layer === 'kernel';
    if (from.layer === 'domain') {
      if (/\bprocess\.env\b/.test(source)) out.push(`${path}: domain code reads process.env`);
      if (/\bDate\.now\(/.test(source)) out.push(`${path}: domain code reads the clock (Date.now)`);
    }
    for (const { spec, typeOnly } of importsOf(source)) {
      if (!spec.startsWith('.')) {
        if (from.layer === 'domain' && !typeOnly && IO_MODULES.some((re) => re.test(spec))) out.push(`${path}: domain code imports ${spec}`);
        continue;
      }
      const target = normalize(join(dirname(path), spec)).replace(/\.js$/, '.ts');
      const to = placeOf(target);
      if (!to) {
        out.push(`${path} → ${target}: in no layer`);
        continue;
      }
      if (to.layer === 'domain' || to.layer === 'kernel') continue;
      const breach = `${path} → ${target}: ${describePlace(from)} imports ${describePlace(to)}`;
      if (pure) out.push(breach);
      else if (RANK[to.layer] > RANK[from.layer]) out.push(`${breach} (a layer above)`);
      else if (from.layer === 'feature' && to.layer === 'feature' && from.feature !== to.feature) out.push(`${breach} (another feature)`);
    }
  }
  return out;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

describe('the layers of src/', () => {
  it('every file sits in a layer and imports only what its layer may', () => {
    const files = new Map(sources('src').map((p) => [p, readFileSync(p, 'utf8')] as const));
    expect(files.size).toBeGreaterThan(200);
    expect(layerViolations(files)).toEqual([]);
  });

  // The rule itself, on made-up files: each breach is caught, each allowed import passes.
  const check = (path: string, source: string) => layerViolations(new Map([[path, source]]));

  it('catches an import of a layer above', () => {
    expect(check('src/stores/history/history-store.ts', "import { assessLogin } from '../../risk/assess-login.js';")).toHaveLength(1);
    expect(check('src/platform/deadline.ts', "import type { HistoryStore } from '../stores/history/history-store.js';")).toHaveLength(1);
    expect(check('src/risk/assess-login.ts', "import type { Deps } from '../deps.js';")).toHaveLength(1);
    expect(check('src/intel/admin-intel.ts', "import { buildApp } from '../http/app.js';")).toHaveLength(1);
  });

  it("catches a feature importing another feature's use cases", () => {
    expect(check('src/mfa/finish.ts', "import { commitPending } from '../risk/commit-pending.js';")).toHaveLength(1);
    expect(check('src/risk/issue-challenge-token.ts', "import { issueMfaToken } from '../mfa/issue-token.js';")).toHaveLength(1);
    expect(check('src/risk/assess-login.ts', "import type { EmailQueueCounts } from '../mfa/delivery/email-queue.js';")).toHaveLength(1);
  });

  it('catches domain code that imports I/O, a store, a use case, or reads env or the clock', () => {
    expect(check('src/risk/scoring/policy.ts', "import { readFileSync } from 'node:fs';")).toHaveLength(1);
    expect(check('src/intel/geo/normalise.ts', "import { Redis } from 'ioredis';")).toHaveLength(1);
    expect(check('src/risk/assessors/new-device.ts', "import type { HistoryStore } from '../../stores/history/history-store.js';")).toHaveLength(1);
    expect(check('src/mfa/factors.ts', "import type { MfaRuntime } from './runtime.js';")).toHaveLength(1);
    expect(check('src/risk/familiarity/places.ts', 'const t = process.env.TZ;')).toHaveLength(1);
    expect(check('src/risk/assessors/new-device.ts', 'const now = Date.now();')).toHaveLength(1);
  });

  it('catches a file in no layer', () => {
    expect(check('src/service/assess-login.ts', '')).toHaveLength(1);
  });

  it('lets every layer import pure domain and the kernel, and layers import downwards', () => {
    expect(check('src/stores/history/user-hash.ts', "import type { HistorySnapshot } from '../../risk/history/snapshot.js';")).toEqual([]);
    expect(check('src/platform/redis/ioredis-client.ts', "import type { Config } from '../../config.js';")).toEqual([]);
    expect(check('src/mfa/assurance.ts', "import { STEP_UP_ACR } from '../risk/scoring/policy.js';")).toEqual([]);
    expect(check('src/risk/assess-login.ts', "import { withDeadline } from '../platform/deadline.js';\nimport type { HistoryStore } from '../stores/history/history-store.js';")).toEqual([]);
    expect(check('src/http/routes/mfa.ts', "import { verify } from '../../mfa/verify.js';")).toEqual([]);
    expect(check('src/compose.ts', "import { buildApp } from './http/app.js';")).toEqual([]);
    expect(check('src/risk/context/user-agent.ts', "import { UAParser } from 'ua-parser-js';\nimport type { Reader } from 'maxmind';")).toEqual([]);
    expect(check('src/intel/geo/normalise.ts', "import type { Logger } from 'pino';")).toEqual([]);
  });

  it('reads static, re-exported, type-only and dynamic imports', () => {
    const found = importsOf(
      [
        "import { a, type B } from './a.js';",
        "import type { C } from './c.js';",
        "import {\n  type D,\n  type E,\n} from './d.js';",
        "export { f } from './f.js';",
        "export type { G } from './g.js';",
        "import './side-effect.js';",
        "const m = await import('./lazy.js');",
      ].join('\n'),
    );
    expect(found).toEqual([
      { spec: './a.js', typeOnly: false },
      { spec: './c.js', typeOnly: true },
      { spec: './d.js', typeOnly: true },
      { spec: './f.js', typeOnly: false },
      { spec: './g.js', typeOnly: true },
      { spec: './side-effect.js', typeOnly: false },
      { spec: './lazy.js', typeOnly: false },
    ]);
  });
});
