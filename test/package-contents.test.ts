/**
 * What `npm pack` ships agrees with the README: every repository path the README points to is in
 * the package, unless its paragraph says it is used "from a clone"; a LICENSE matching
 * package.json; and source maps only together with the sources they point to.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const packed: string[] = (
  JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' })) as { files: { path: string }[] }[]
)[0]!.files.map((file) => file.path);
const readme = readFileSync(join(root, 'README.md'), 'utf8');

/** Paragraphs of the README; a fenced code block or a table belongs to the paragraph before it. */
function paragraphs(markdown: string): string[] {
  const units: string[] = [];
  let current: string[] = [];
  let inFence = false;
  let fenceJoinsPrevious = false;
  for (const line of markdown.split('\n')) {
    const opensTable = !inFence && line.startsWith('|') && current.length === 0;
    if (opensTable && units.length > 0) current = [units.pop()!];
    if (line.startsWith('```')) {
      if (!inFence && current.length === 0 && units.length > 0) {
        current = [units.pop()!];
        fenceJoinsPrevious = true;
      }
      inFence = !inFence;
    }
    if (!inFence && line.trim() === '' && !fenceJoinsPrevious) {
      if (current.length > 0) units.push(current.join('\n'));
      current = [];
      continue;
    }
    fenceJoinsPrevious = false;
    current.push(line);
  }
  if (current.length > 0) units.push(current.join('\n'));
  return units;
}

const REPO_PATH = /(?<![\w/.-])((?:examples|test|bench|schema|src|docs|scripts|dist)\/[\w./-]*\w)/g;

it('every file the README points to is in the package, or its paragraph says "from a clone"', () => {
  const missing: string[] = [];
  for (const paragraph of paragraphs(readme)) {
    if (/from a clone/i.test(paragraph)) continue;
    for (const [, path] of paragraph.matchAll(REPO_PATH)) {
      const shipped = packed.includes(path!) || packed.some((file) => file.startsWith(`${path}/`));
      if (!shipped) missing.push(path!);
    }
  }
  expect(missing).toEqual([]);
});

it('ships a LICENSE matching package.json', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { license: string };
  expect(packed).toContain('LICENSE');
  expect(pkg.license).toBe('MIT');
  expect(readFileSync(join(root, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
});

it('ships the compiled library, its types and the schema; source maps only with their sources', () => {
  for (const file of ['dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'schema/receipt.schema.json']) expect(packed).toContain(file);
  const orphans: string[] = [];
  for (const map of packed.filter((file) => file.endsWith('.map'))) {
    const { sources } = JSON.parse(readFileSync(join(root, map), 'utf8')) as { sources: string[] };
    for (const source of sources) {
      const resolved = normalize(join(dirname(map), source));
      if (!packed.includes(resolved)) orphans.push(`${map} → ${resolved}`);
    }
  }
  expect(orphans).toEqual([]);
});
