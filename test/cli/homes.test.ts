/** Printer homes in the config file: which printers this host's worker serves, and this host's name. */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/cli/config.js';
import { fleetHost, homedHere, homesOf } from '../../src/cli/homes.js';

const config = parseConfig(
  {
    fleet: { host: 'till-1', url: 'postgres://pos@fleet/shop' },
    printers: { front: { uri: 'tcp://10.0.0.5' }, kitchen: { uri: 'tcp://10.0.0.6', home: 'server-1' }, bar: { uri: 'tcp://10.0.0.7', home: 'till-1' } },
  },
  '/etc/receipt-spool.json',
);

describe('printer homes', () => {
  it('a worker serves the printers homed on its host and those without a home', () => {
    expect(['front', 'kitchen', 'bar'].filter((name) => homedHere(name, config, 'till-1'))).toEqual(['front', 'bar']);
    expect(['front', 'kitchen', 'bar'].filter((name) => homedHere(name, config, 'server-1'))).toEqual(['front', 'kitchen']);
  });

  it('the outbox gets every named home', () => {
    expect(homesOf(config)).toEqual({ kitchen: 'server-1', bar: 'till-1' });
  });

  it('the host is --host, else $RECEIPT_SPOOL_HOST, else fleet.host, else the machine name', () => {
    expect(fleetHost('till-9', config, { RECEIPT_SPOOL_HOST: 'till-2' })).toBe('till-9');
    expect(fleetHost(undefined, config, { RECEIPT_SPOOL_HOST: 'till-2' })).toBe('till-2');
    expect(fleetHost(undefined, config, {})).toBe('till-1');
    expect(fleetHost(undefined, undefined, {}).length).toBeGreaterThan(0);
  });

  it('a bad fleet entry is refused naming its path', () => {
    expect(() => parseConfig({ fleet: { hots: 'x' } }, '/c.json')).toThrow(/fleet: Unrecognized key/);
    expect(() => parseConfig({ printers: { p: { uri: 'tcp://h', home: '' } } }, '/c.json')).toThrow(/printers\.p\.home/);
  });
});
