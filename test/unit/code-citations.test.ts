import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Comments in src/, test/ and bench/ cite documents of the repository (docs/api.md, "Requests and
 * errors"), never a design or style document kept outside it, and what they cite exists: the
 * file, and a quoted section name as one of its headings or bold run-in titles.
 */

const ROOTS = ['src', 'test', 'bench'];
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
});
