import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Every relative link in README.md, bench/README.md and docs/*.md resolves: the file exists and,
 * with a `#fragment`, the file has a heading of that anchor (GitHub's rule: lower case, every
 * character but letters, digits, spaces, `-` and `_` dropped, spaces made `-`, repeats numbered).
 */

const FILES = ['README.md', 'bench/README.md', ...readdirSync('docs').filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];


/** docs/evaluate.md opens with the README's "Measure detection" section, written for the README. */
const README_BLOCK = { file: 'docs/evaluate.md', start: '<!-- README section', end: '<!-- end of the README section -->' };

interface Link {
  file: string;
  line: number;
  target: string;
  /** Directory the target is relative to. */
  base: string;
}

/** Lines outside fenced code blocks, with their numbers. */
function prose(text: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  let fence: string | null = null;
  text.split('\n').forEach((line, i) => {
    const m = /^\s*(```|~~~)/.exec(line);
    if (m) fence = fence === null ? m[1]! : fence === m[1] ? null : fence;
    else if (fence === null) out.push({ line: i + 1, text: line });
  });
  return out;
}

function links(file: string): Link[] {
  const text = readFileSync(file, 'utf8');
  let inReadmeBlock = false;
  const out: Link[] = [];
  for (const { line, text: l } of prose(text)) {
    if (file === README_BLOCK.file && l.startsWith(README_BLOCK.start)) inReadmeBlock = true;
    if (file === README_BLOCK.file && l.startsWith(README_BLOCK.end)) inReadmeBlock = false;
    // Inline code is not a link.
    const code = l.replace(/`[^`]*`/g, '');
    for (const m of code.matchAll(/\]\(([^()\s]+)\)/g)) {
      out.push({ file, line, target: m[1]!, base: inReadmeBlock ? '.' : dirname(file) });
    }
  }
  return out;
}

function slug(heading: string): string {
  const text = heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[`*]/g, '')
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

function anchors(file: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const { text } of prose(readFileSync(file, 'utf8'))) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(text);
    if (!m) continue;
    const base = slug(m[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

describe('documentation links', () => {
  it('computes anchors as GitHub does', () => {
    expect(slug('`POST /v1/assess` (also `POST /assess`)')).toBe('post-v1assess-also-post-assess');
    expect(slug('MFA (`/v1/mfa`)')).toBe('mfa-v1mfa');
    expect(slug('5. No request timeout')).toBe('5-no-request-timeout');
    expect(slug('Familiarity: the fourth assessment')).toBe('familiarity-the-fourth-assessment');
    expect(slug('Credits and licenses')).toBe('credits-and-licenses');
  });

  it.each(FILES)('%s: every relative link resolves', (file) => {
    const broken: string[] = [];
    for (const link of links(file)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(link.target)) continue; // https:, mailto:
      const [path, fragment] = link.target.split('#', 2) as [string, string | undefined];
      const target = path === '' ? file : normalize(join(link.base, decodeURIComponent(path)));
      const where = `${file}:${link.line} → ${link.target}`;
      if (!existsSync(target)) {
        broken.push(`${where} (no such file)`);
        continue;
      }
      if (fragment !== undefined && target.endsWith('.md') && !anchors(target).has(fragment)) {
        broken.push(`${where} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });

  it("README.md carries docs/evaluate.md's README section as it is", () => {
    const evaluate = readFileSync(README_BLOCK.file, 'utf8');
    const start = evaluate.indexOf('\n', evaluate.indexOf(README_BLOCK.start)) + 1;
    const block = evaluate.slice(start, evaluate.indexOf(README_BLOCK.end));
    expect(block.length).toBeGreaterThan(200);
    expect(readFileSync('README.md', 'utf8')).toContain(block);
  });

  it('README.md links every document', () => {
    const readme = readFileSync('README.md', 'utf8');
    const docs = FILES.filter((f) => f !== 'README.md');
    expect(docs.filter((f) => !readme.includes(`](${f})`))).toEqual([]);
  });
});
