/** The README's troubleshooting table lists every store error code (and the environment codes). */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import * as errors from '../src/errors.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const troubleshooting = readme.slice(readme.indexOf('## Troubleshooting'), readme.indexOf('\n## ', readme.indexOf('## Troubleshooting') + 1));
const tableCodes = new Set(
  troubleshooting
    .split('\n')
    .filter((line) => line.startsWith('| '))
    .flatMap((line) => [...(line.split('|')[1] ?? '').matchAll(/`([A-Z_]+)`/g)].map((match) => match[1])),
);

/** Every error class exported from src/errors.ts that is (or extends) `base`, by its code. */
function codesOf(base: abstract new (...args: never[]) => errors.ReceiptSpoolError): string[] {
  const exported: unknown[] = Object.values(errors);
  return exported
    .filter((value): value is new (message: string) => errors.ReceiptSpoolError => typeof value === 'function' && (value === base || value.prototype instanceof base))
    .map((ErrorClass) => new ErrorClass('probe').code);
}

it('every store error code has a row in the troubleshooting table', () => {
  const codes = codesOf(errors.StoreError);
  expect(codes).toContain('STORE_DIRECTORY_MISSING');
  expect(codes.filter((code) => !tableCodes.has(code))).toEqual([]);
});

it('so do the codes for a missing native binding and a missing program', () => {
  expect(['NATIVE_MODULE_UNAVAILABLE', 'MISSING_PROGRAM'].filter((code) => !tableCodes.has(code))).toEqual([]);
});
