import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

// `npm run lint` is oxlint (a napi binding per platform) driving tsgolint (a Go binary per platform),
// both optional dependencies: one missing after `npm ci` must fail here, not pass the lint silently.
const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'lint-tool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the lint tool', () => {
  it('loads its native parts and finds a floating promise by its type from another file', { timeout: 60_000 }, async () => {
    writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, module: 'NodeNext', target: 'ES2022', noEmit: true } }));
    writeFileSync(path.join(dir, 'store.ts'), 'export async function save(): Promise<void> {}\n');
    writeFileSync(
      path.join(dir, 'caller.ts'),
      "import { save } from './store.js';\nexport function floating(): void {\n  save();\n}\nexport async function awaited(): Promise<void> {\n  await save();\n}\n",
    );
    // The project's own config (cwd), so its rules are what is checked; exit 1 because there is an error.
    const run = promisify(execFile)(process.execPath, [path.join(root, 'node_modules/oxlint/bin/oxlint'), '--format', 'json', dir], { cwd: root });
    const { stdout } = await run.catch((error: Error & { code?: number; stdout?: string; stderr?: string }) => {
      if (error.code === 1 && error.stdout) return { stdout: error.stdout };
      throw new Error(`oxlint failed: ${error.stderr || error.message}`);
    });
    // A missing tsgolint is reported as text ("Error running tsgolint …"), not as JSON.
    if (!stdout.trimStart().startsWith('{')) throw new Error(`oxlint did not lint: ${stdout}`);
    const report = JSON.parse(stdout) as { diagnostics: { code: string; filename: string; labels: { span: { line: number } }[] }[] };
    const found = report.diagnostics.map((d) => `${path.basename(d.filename)}:${d.labels[0]?.span.line} ${d.code}`);
    expect(found).toEqual(['caller.ts:3 typescript(no-floating-promises)']);
  });
});
