import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// npm 11 may skip install scripts it was not told to allow; a skipped native build must fail
// here, in CI, and not on a shop's till.
const require = createRequire(import.meta.url);

describe('native modules load', () => {
  it('better-sqlite3 opens a database', () => {
    const Database = require('better-sqlite3') as typeof import('better-sqlite3');
    const db = new Database(':memory:');
    expect(db.prepare('select 1 + 1 as two').get()).toEqual({ two: 2 });
    db.close();
  });

  it('@serialport/bindings-cpp loads its binding', async () => {
    const { autoDetect } = await import('@serialport/bindings-cpp');
    const binding = autoDetect();
    expect(typeof binding.open).toBe('function');
  });

  it('usb loads its napi binding', async () => {
    const usb = await import('usb');
    expect(typeof usb.webusb.getDevices).toBe('function');
  });
});
