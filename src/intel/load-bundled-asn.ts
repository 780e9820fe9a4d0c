import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { AsnIndex } from './asn/asn-index.js';
import { parseAsnCsv } from './asn/parse-asn-csv.js';

/** Where the bundled dataset lives and what version it is. */
export interface BundledAsnFiles {
  dir: string;
  version: string;
  ipv4: string;
  ipv6: string;
}

/**
 * The `@ip-location-db/asn` package's numeric CSVs (RouteViews, NRO and DB-IP data, CC BY 4.0:
 * README "Credits and licenses").
 */
export function bundledAsnFiles(): BundledAsnFiles {
  const pkg = createRequire(import.meta.url).resolve('@ip-location-db/asn/package.json');
  const dir = dirname(pkg);
  const version = (createRequire(import.meta.url)('@ip-location-db/asn/package.json') as { version: string }).version;
  return { dir, version, ipv4: join(dir, 'asn-ipv4-num.csv'), ipv6: join(dir, 'asn-ipv6-num.csv') };
}

/** How the index of this process came to be, for logs and the report. */
export interface BundledAsnInfo {
  /** `csv`: compiled from the CSVs now; `cache`: decoded from a file an earlier process wrote. */
  from: 'csv' | 'cache';
  /** Wall time of the compile or the decode, ms. */
  loadMs: number;
  /** The cache file read or written, or null when none could be. */
  cacheFile: string | null;
  version: string;
}

export interface BundledAsn {
  index: AsnIndex;
  info: BundledAsnInfo;
}

/**
 * Compile the text of an IPv4 and an IPv6 numeric CSV (see `parseAsnCsv`) into an
 * {@link AsnIndex}; tests pass small files, {@link loadBundledAsn} the bundled ones.
 */
export function compileAsnCsv(ipv4Text: string, ipv6Text: string): AsnIndex {
  const builder = AsnIndex.builder();
  parseAsnCsv(ipv4Text, 4, builder);
  parseAsnCsv(ipv6Text, 6, builder);
  return builder.build();
}

/**
 * The default cache folder: `node_modules/.cache/vigil` beside the dataset's package (the
 * convention babel, eslint and others use), so it goes away with `node_modules` and never
 * outlives the data it was compiled from.
 */
function defaultCacheDir(files: BundledAsnFiles): string {
  // dir is …/node_modules/@ip-location-db/asn
  return join(dirname(dirname(files.dir)), '.cache', 'vigil');
}

let memo: { key: string; loading: Promise<BundledAsn> } | null = null;

/**
 * The bundled dataset's index, compiled once per process and shared by every caller (the test
 * suite builds the app many times in one process). A compiled copy is kept in `cacheDir`
 * (default: `node_modules/.cache/vigil`), named by the package version and the CSVs' sizes and
 * modification times, so a later process decodes it in milliseconds instead of parsing 32 MB of
 * CSV; `cacheDir: null` skips the cache. A cache that cannot be read or written is ignored: the
 * CSVs are the truth.
 */
export function loadBundledAsn(opts: { cacheDir?: string | null } = {}): Promise<BundledAsn> {
  const files = bundledAsnFiles();
  const cacheDir = opts.cacheDir === undefined ? defaultCacheDir(files) : opts.cacheDir;
  const key = `${files.dir}\u0000${cacheDir ?? ''}`;
  if (memo?.key !== key) {
    const loading = load(files, cacheDir);
    memo = { key, loading };
    // A failed load is not memoised: the next caller tries again.
    loading.catch(() => {
      if (memo?.loading === loading) memo = null;
    });
  }
  return memo.loading;
}

async function load(files: BundledAsnFiles, cacheDir: string | null): Promise<BundledAsn> {
  const started = performance.now();
  const [s4, s6] = await Promise.all([stat(files.ipv4), stat(files.ipv6)]);
  const id = createHash('sha256')
    .update(`${files.version}|${s4.size}|${s4.mtimeMs}|${s6.size}|${s6.mtimeMs}`)
    .digest('hex')
    .slice(0, 16);
  const cacheFile = cacheDir === null ? null : join(cacheDir, `asn-${files.version}-${id}.bin`);

  if (cacheFile !== null) {
    try {
      const index = AsnIndex.decode(await readFile(cacheFile));
      return { index, info: { from: 'cache', loadMs: performance.now() - started, cacheFile, version: files.version } };
    } catch {
      // Missing or unreadable: compile below.
    }
  }

  const [t4, t6] = await Promise.all([readFile(files.ipv4, 'utf8'), readFile(files.ipv6, 'utf8')]);
  const index = compileAsnCsv(t4, t6);
  const loadMs = performance.now() - started;
  let written: string | null = null;
  if (cacheFile !== null) {
    try {
      await mkdir(dirname(cacheFile), { recursive: true });
      // Write aside and rename, so a concurrent reader never sees half a file.
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      await writeFile(tmp, index.encode());
      await rename(tmp, cacheFile);
      written = cacheFile;
    } catch {
      // A read-only install: every process compiles, which costs only boot time.
    }
  }
  return { index, info: { from: 'csv', loadMs, cacheFile: written, version: files.version } };
}
