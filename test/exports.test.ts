/**
 * The package's faces, as a user's program meets them (the built package, by its own name):
 * the main entry loads no native module until it is used, and the emulator, the test double and
 * the node-thermal-printer bridge live at their subpaths. Runs `dist/` (`npm run build` first).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Runs an ES module snippet in a fresh Node process in the package root; returns its JSON output. */
function inChild(source: string): unknown {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', source], { cwd: root, encoding: 'utf8' });
  return JSON.parse(out);
}

/** What the child has loaded: native addons (shared objects) and CommonJS modules, by package. */
const LOADED = `
import { createRequire } from 'node:module';
const natives = process.report.getReport().sharedObjects.filter((file) => file.endsWith('.node'));
const cjs = Object.keys(createRequire(import.meta.url).cache);
const loaded = (name) => natives.some((f) => f.includes(name)) || cjs.some((f) => f.includes('/node_modules/' + name + '/'));
const report = { serialport: loaded('serialport') || loaded('@serialport'), usb: loaded('usb'), sqlite: loaded('better-sqlite3') || natives.some((f) => f.includes('better_sqlite3')) };
`;

describe('package exports', () => {
  it('importing the main entry loads neither serialport, usb nor better-sqlite3', () => {
    const report = inChild(`await import('receipt-spool'); ${LOADED} console.log(JSON.stringify(report));`);
    expect(report).toEqual({ serialport: false, usb: false, sqlite: false });
  });

  it('better-sqlite3 loads once a spool is opened (the check above can see a load)', () => {
    const report = inChild(`
      import fs from 'node:fs'; import os from 'node:os'; import path from 'node:path';
      const { openSpool } = await import('receipt-spool');
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'receipt-spool-exports-'));
      const spool = openSpool({ path: path.join(dir, 'spool.db') });
      ${LOADED}
      await spool.close(); fs.rmSync(dir, { recursive: true, force: true });
      console.log(JSON.stringify(report));`);
    expect(report).toEqual({ serialport: false, usb: false, sqlite: true });
  });

  it('the emulator, the test double and the bridge are at their subpaths, not in the main entry', () => {
    const names = inChild(`
      const main = await import('receipt-spool');
      const emulator = await import('receipt-spool/emulator');
      const testing = await import('receipt-spool/testing');
      const ntp = await import('receipt-spool/node-thermal-printer');
      console.log(JSON.stringify({ main: Object.keys(main), emulator: Object.keys(emulator), testing: Object.keys(testing), ntp: Object.keys(ntp) }));`) as Record<
      string,
      string[]
    >;
    expect(names.emulator).toEqual(expect.arrayContaining(['VirtualPrinter', 'renderEmulatedReceipt', 'EmulatorClock']));
    expect(names.testing).toEqual(expect.arrayContaining(['MemoryPrinter', 'MemoryTransport']));
    expect(names.ntp).toEqual(expect.arrayContaining(['spoolInterface', 'linkInterface']));
    expect(names.main).toEqual(expect.arrayContaining(['openSpool', 'Printer', 'createTransport', 'parsePrinterUri', 'receipt', 'ReceiptSpoolError']));
    for (const moved of ['VirtualPrinter', 'MemoryPrinter', 'MemoryTransport', 'spoolInterface', 'linkInterface']) {
      expect(names.main).not.toContain(moved);
    }
  });
});
