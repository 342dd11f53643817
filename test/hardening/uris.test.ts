/**
 * Printer URIs: garbage and near-miss URIs give InvalidPrinterUriError naming the part; nothing
 * is ever executed from a URI (shell metacharacters stay inert, checked with a marker file),
 * neither by the parser nor by the CLI that opens the printer (exit 2 for a bad URI).
 *
 * Longer run: FUZZ_RUNS=100000 npx vitest run test/hardening/uris.test.ts (FUZZ_SEED replays).
 */
import fc from 'fast-check';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidPrinterUriError } from '../../src/errors.js';
import { parsePrinterUri } from '../../src/transport/uri.js';
import { cliBuilt, fuzz, logSeed, runCli, tempDir } from './helpers.js';

logSeed('uris.test.ts');

const PARTS = new Set(['uri', 'scheme', 'host', 'port', 'path', 'vendorId', 'productId', 'name', 'query']);
const scratch = tempDir();
afterAll(() => scratch.remove());

/** Parses `uri`; returns the target, or the InvalidPrinterUriError. Any other exception fails the test. */
function parse(uri: string): { ok: true } | { ok: false; error: InvalidPrinterUriError } {
  try {
    const target = parsePrinterUri(uri);
    expect(['tcp', 'serial', 'usb', 'file', 'memory']).toContain(target.kind);
    return { ok: true };
  } catch (error) {
    if (!(error instanceof InvalidPrinterUriError)) throw new Error(`unexpected ${String(error)}`, { cause: error });
    expect(error.uri).toBe(uri);
    expect(error.part.length).toBeGreaterThan(0);
    expect(error.message).toContain(`${error.part}:`);
    return { ok: false, error };
  }
}

const prefix = fc.constantFrom('', 'tcp://', 'tcp:', 'serial:', 'serial:///', 'usb://', 'usb:', 'file:', 'memory:', 'TCP://', 'http://', 'tcp://[', 'tcp://host:', 'usb://04b8:');
const garbageUnit = fc.oneof(
  fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }),
  fc.constantFrom(':', '/', '?', '&', '=', '%', '%zz', '[', ']', '@', '#', ';', '|', '$(', '`', ' ', '\n', '\u0000', '..', '0x', 'ffff', '99999', '-1', 'пример', '٣', 'ｈ'),
);

describe('parsePrinterUri never throws anything but InvalidPrinterUriError', () => {
  it('property: garbage strings (binary, unicode, URI-ish pieces) after any scheme prefix', () => {
    fc.assert(
      fc.property(prefix, fc.array(garbageUnit, { maxLength: 20 }), (scheme, parts) => {
        const uri = scheme + parts.join('');
        const result = parse(uri);
        // The part named is one of the URI's parts, or a query parameter written in the URI.
        if (!result.ok) expect(PARTS.has(result.error.part) || uri.includes(result.error.part)).toBe(true);
      }),
      fuzz(2000),
    );
  });

  it('property: any full-unicode string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (uri) => void parse(uri)),
      fuzz(2000),
    );
  });

  it('property: every non-string value given through an untyped caller is rejected as the uri', () => {
    fc.assert(
      fc.property(
        fc.anything().filter((v) => typeof v !== 'string'),
        (value) => {
          const result = parse(value as string);
          expect(result.ok).toBe(false);
        },
      ),
      fuzz(300),
    );
  });

  it.each([
    ['tcp://', 'host'],
    ['tcp://host:99999', 'port'],
    ['tcp://host:-1', 'port'],
    ['tcp://host:9100:1', 'host'],
    ['tcp://пример.рф', 'host'],
    ['tcp://ｈｏｓｔ', 'host'],
    ['tcp://host;reboot', 'host'],
    ['tcp://host|id', 'host'],
    ['tcp://`id`', 'host'],
    ['tcp://host?timeout=1e3', 'timeout'],
    ['tcp://host?%zz=1', 'query'],
    ['serial:', 'path'],
    ['serial://', 'path'],
    ['serial:/dev/ttyUSB0?baudRate=0', 'baudRate'],
    ['usb://zz:11', 'vendorId'],
    ['usb://04b8:zz', 'productId'],
    ['usb://04b8:0e15:1', 'productId'],
    ['file:', 'path'],
    ['memory:../../etc', 'name'],
    [';rm -rf /', 'uri'],
    ['$(touch /tmp/pwned)', 'uri'],
    ['tcp://host\n', 'uri'],
    ['\u0000', 'uri'],
    ['   ', 'uri'],
    ['rm', 'scheme'],
    [':9100', 'scheme'],
    ['ftp://host', 'scheme'],
    ['☃://x', 'scheme'],
  ])('near miss %j → part %s', (uri, part) => {
    const result = parse(uri);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.part).toBe(part);
  });
});

describe('nothing is executed from a URI', () => {
  const marker = join(scratch.dir, 'pwned');
  const attempts = [
    `tcp://$(touch${'${IFS}'}${marker})`,
    `serial:$(touch${'${IFS}'}${marker})`,
    `file:$(touch${'${IFS}'}${marker})`,
    `file:\`touch${'${IFS}'}${marker}\``,
    `file:/dev/null;touch${'${IFS}'}${marker}`,
    `serial:/dev/null|touch${'${IFS}'}${marker}`,
    `usb://;touch${'${IFS}'}${marker}`,
    `memory:$(touch${'${IFS}'}${marker})`,
    `tcp://127.0.0.1:1?profile=$(touch${'${IFS}'}${marker})`,
    `$(touch ${marker})`,
    `;touch ${marker}`,
  ];

  it('the parser: shell syntax is rejected, or kept as an inert path/name', () => {
    for (const uri of attempts) parse(uri);
    expect(existsSync(marker)).toBe(false);
  });

  it.skipIf(!cliBuilt)('the CLI (status, print, worker): exit 2 for a bad URI, exit 1 for an unopenable one; no marker file (skipped only when dist/ is not built)', async () => {
    const doc = join(scratch.dir, 'doc.json');
    await import('node:fs').then((fs) => fs.writeFileSync(doc, JSON.stringify({ transactionId: 'U-1', content: ['x'] })));
    for (const uri of attempts) {
      const status = await runCli(['status', '--printer', uri], { cwd: scratch.dir, timeoutMs: 20_000 });
      const valid = parse(uri).ok;
      // A URI that parses still fails: nothing listens there, or its profile is unknown (bad input, 2).
      expect({ uri, code: status.code }).toEqual({ uri, code: valid ? expect.toSatisfy((c: number) => c === 1 || c === 2) : 2 });
      expect(status.stderr.length).toBeGreaterThan(0);
      if (!valid) expect(status.stderr).toMatch(/printer URI|--printer/);
    }
    const print = await runCli(['print', doc, '--printer', attempts[0]!, '--db', join(scratch.dir, 'p.db')], { cwd: scratch.dir });
    expect(print.code).toBe(2);
    const viaEnv = await runCli(['status'], { cwd: scratch.dir, env: { RECEIPT_SPOOL_PRINTER: attempts[9]! } });
    expect(viaEnv.code).toBe(2);
    expect(existsSync(marker)).toBe(false);
  });
});
