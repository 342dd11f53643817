/** The config file: where it is found, what it accepts, and errors that name the JSON path. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findConfigFile, loadConfig, parseConfig } from '../../src/cli/config.js';
import { ConfigError } from '../../src/errors.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'receipt-spool-config-'));
  dirs.push(dir);
  return dir;
}

describe('config file', () => {
  it('is found by --config, then $RECEIPT_SPOOL_CONFIG, then the working directory', () => {
    const dir = tempDir();
    expect(findConfigFile(undefined, {}, dir)).toBeUndefined();
    writeFileSync(join(dir, 'receipt-spool.json'), '{}');
    expect(findConfigFile(undefined, {}, dir)).toBe(join(dir, 'receipt-spool.json'));
    expect(findConfigFile(undefined, { RECEIPT_SPOOL_CONFIG: '/etc/x.json' }, dir)).toBe('/etc/x.json');
    expect(findConfigFile('mine.json', { RECEIPT_SPOOL_CONFIG: '/etc/x.json' }, dir)).toBe(join(dir, 'mine.json'));
  });

  it('accepts the sample shipped for systemd, resolving "db" against the file', () => {
    const file = resolve(import.meta.dirname, '../../examples/systemd/receipt-spool.json');
    const config = parseConfig(JSON.parse(readFileSync(file, 'utf8')), file);
    expect(Object.keys(config.printers)).toEqual(['front', 'back']);
    expect(config.db).toBe('/var/lib/receipt-spool/spool.db');
    const dir = tempDir();
    writeFileSync(join(dir, 'receipt-spool.json'), JSON.stringify({ db: 'spool.db' }));
    expect(loadConfig(undefined, {}, dir)?.db).toBe(join(dir, 'spool.db'));
  });

  it('names the JSON path of every problem', () => {
    const bad = (json: unknown) => {
      try {
        parseConfig(json, 'x.json');
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message;
      }
      throw new Error('accepted');
    };
    expect(bad({ printers: { front: { uri: 5 } } })).toContain('printers.front.uri');
    expect(bad({ printers: { front: { uri: 'tcp://h', colour: 'red' } } })).toContain('printers.front');
    expect(bad({ printers: { front: { uri: 'tcp://h', profile: 'nope' } } })).toContain('printers.front.profile');
    expect(bad({ printers: { front: { uri: 'tcp://h', fallback: 'front' } } })).toContain('printers.front.fallback');
    expect(bad({ mark: { timeZone: 'Mars/Olympus' } })).toContain('mark.timeZone');
    expect(bad({ dbb: 'x' })).toContain('dbb');
    const dir = tempDir();
    writeFileSync(join(dir, 'receipt-spool.json'), '{ not json');
    expect(() => loadConfig(undefined, {}, dir)).toThrow(/bad JSON in the config file/);
  });
});
