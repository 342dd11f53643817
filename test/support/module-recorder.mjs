/**
 * `node --import ./test/support/module-recorder.mjs …` with RECORD_MODULES=FILE: writes every module
 * the process loaded to FILE, one per line — ES modules by URL (from a loader hook), CommonJS modules
 * by path and native addons (.node) by path (at exit). Lets a test assert what a command did NOT load.
 */
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';

const file = process.env['RECORD_MODULES'];
if (file) {
  register('./module-recorder-hooks.mjs', import.meta.url, { data: { file } });
  process.on('exit', () => {
    const cjs = Object.keys(createRequire(import.meta.url).cache);
    const natives = process.report.getReport().sharedObjects.filter((path) => path.endsWith('.node'));
    appendFileSync(file, [...cjs.map((path) => `cjs ${path}`), ...natives.map((path) => `native ${path}`)].map((line) => `${line}\n`).join(''));
  });
}
