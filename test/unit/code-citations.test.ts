import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Comments in src/, test/ and bench/ cite documents of the repository (docs/api.md, "Requests and
 * errors"), never a design or style document kept outside it, and what they cite exists: the
 * file, and a quoted section name as one of its headings or bold run-in titles. Every file or
 * folder of the repository that code or documentation names by its path (`src/risk/assess-login.ts`,
 * `test/support/`) exists, so a move that forgets a mention fails here.
 */

const ROOTS = ['src', 'test', 'bench', 'scripts'];
const DOCS = ['README.md', 'bench/README.md', ...readdirSync('docs').filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const SKIP = new Set(['test/fixtures', 'bench/results']);

function sources(dir: string): string[] {
  if (SKIP.has(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return /\.(ts|mts|mjs|js|lua)$/.test(e.name) ? [path] : [];
  });
}

/** Names of documents outside the repository that code once cited (spelt in parts, so this file does not match itself). */
const OUTSIDE = [new RegExp(`\\b${'DES'}${'IGN'}\\b`), new RegExp(`\\(${'STY'}${'LE'}[:,)]`)];

/** A page under docs/, `bench/README.md` or `README`, optionally followed by a quoted section name. */
const CITATION = /\b(docs\/[\w.-]+\.md|bench\/README\.md|README(?:\.md)?)\b(?:,?\s*\(?"([^"]+)")?/g;

/**
 * A path into the repository's code: `src/`, `test/`, `bench/` or `scripts/` and what follows, not
 * inside another path (`dist/src/main.js` is a build output).
 */
const PATH = /(?<![\w./-])((?:src|test|bench|scripts)\/[\w./-]*[\w/])/g;

/**
 * Paths `text` names that do not exist. A path that goes on with a pattern (`src/stores/<store>/`,
 * `test/http/mfa-*.test.ts`) is checked up to it; one written after "then" is history (a
 * performance log naming a file as it was) and is not checked.
 */
/** Folders the code writes into, absent from a fresh clone (.gitignore). */
const OUTPUTS = ['bench/results'];

/** Tests of path checks, whose made-up paths must not exist. */
const MADE_UP_PATHS = new Set(['test/unit/code-citations.test.ts', 'test/unit/layers.test.ts']);

function missingPaths(text: string): string[] {
  const missing: string[] = [];
  for (const m of text.matchAll(PATH)) {
    const path = m[1]!;
    if (/^[\w./-]*[<*{]/.test(text.slice(m.index + path.length))) continue;
    if (OUTPUTS.some((o) => path.startsWith(o))) continue;
    if (/\bthen `?$/.test(text.slice(Math.max(0, m.index - 6), m.index))) continue;
    if (!existsSync(path)) missing.push(path);
  }
  return missing;
}

/** Text with comment continuations (` * `, `// `) joined, so a citation broken over lines reads whole. */
const joined = (text: string): string => text.replace(/\n\s*(?:\*(?!\/)|\/\/)\s*/g, ' ');

/** A document's headings and bold run-in titles (`**End-user IP.**`), the names a comment may quote. */
function sections(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  const headings = [...text.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => m[1]!.replaceAll('`', ''));
  const bold = [...text.matchAll(/\*\*([^*]+)\*\*/g)].map((m) => m[1]!);
  return [...headings, ...bold];
}

describe('code comments', () => {
  const files = ROOTS.flatMap(sources);

  it('cite no document kept outside the repository', () => {
    expect(files.length).toBeGreaterThan(100);
    const hits = files.flatMap((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .flatMap((line, i) => (OUTSIDE.some((re) => re.test(line)) ? [`${f}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(hits).toEqual([]);
  });

  it('cite documents and sections that exist', () => {
    const broken: string[] = [];
    for (const f of files) {
      const text = joined(readFileSync(f, 'utf8'));
      for (const m of text.matchAll(CITATION)) {
        const [, doc, section] = m as unknown as [string, string, string | undefined];
        // Another folder's README (test/fixtures/webauthn/README.md) is named by its path.
        if (doc.startsWith('README') && /[\w/.-]/.test(text[m.index - 1] ?? '')) continue;
        const path = doc === 'README' ? 'README.md' : doc;
        if (!existsSync(path)) {
          broken.push(`${f}: ${doc} does not exist`);
          continue;
        }
        if (section !== undefined && !sections(path).some((s) => s.startsWith(section))) {
          broken.push(`${f}: ${doc} has no section "${section}"`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it('name files that exist', () => {
    const broken = files
      .filter((f) => !MADE_UP_PATHS.has(f))
      .flatMap((f) => missingPaths(readFileSync(f, 'utf8')).map((p) => `${f}: ${p}`));
    expect(broken).toEqual([]);
  });
});

describe('documentation', () => {
  it.each(DOCS)('%s names files that exist', (doc) => {
    expect(missingPaths(readFileSync(doc, 'utf8'))).toEqual([]);
  });

  it('checks the paths it should', () => {
    const patterns = 'see `src/risk/assess-login.ts` and src/stores/<store>/<store>-keys.ts, test/http/mfa-*.test.ts, bench/results/x';
    expect(missingPaths(patterns)).toEqual([]);
    expect(missingPaths('`dist/src/service/assess-login.js`; then `src/history/store.ts`')).toEqual([]);
    expect(missingPaths('moved to src/service/assess-login.ts. And test/nowhere/')).toEqual(['src/service/assess-login.ts', 'test/nowhere/']);
  });
});
