/**
 * The built CLI's `outbox` on a till: printers homed in the config file, the till's SQLite spool
 * forwarded to PostgreSQL with `outbox --once`; unreachable PostgreSQL is exit 1 with the reason.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSpool } from '../../src/spool/spool.js';
import { dropSchema, freshSchema, postgres, testDatabaseUrl } from '../spool/postgres-helpers.js';
import { cleanup, jsonLines, receiptJson, runCli, tempStore } from './helpers.js';

describe('CLI outbox', () => {
  let dir: string;
  let db: string;
  let config: string;

  function writeConfig(fleet: Record<string, string>): void {
    const printers = { front: { uri: 'tcp://127.0.0.1:9' }, kitchen: { uri: 'tcp://127.0.0.1:9', home: 'server-1' } };
    fs.writeFileSync(config, JSON.stringify({ db, fleet, printers }));
  }

  beforeEach(() => {
    ({ dir, db } = tempStore());
    config = path.join(dir, 'receipt-spool.json');
  });
  afterEach(cleanup);

  it('refuses a PostgreSQL --db (the till forwards from its SQLite file) and a missing fleet, exit 2 naming the fix', async () => {
    writeConfig({ host: 'till-1' });
    await runCli(['submit', '-', '--config', config], { input: receiptJson('T-0') });
    const noFleet = await runCli(['outbox', '--once', '--config', config]);
    expect({ code: noFleet.code, stderr: noFleet.stderr }).toEqual({ code: 2, stderr: expect.stringContaining('--fleet postgres://') });
    const pgDb = await runCli(['outbox', '--once', '--db', 'postgres://x@127.0.0.1:1/y', '--fleet', 'postgres://x@127.0.0.1:1/y']);
    expect({ code: pgDb.code, stderr: pgDb.stderr }).toEqual({ code: 2, stderr: expect.stringContaining("the till's SQLite spool file") });
  });

  it('a worker on a host where no configured printer is homed says so, exit 2', async () => {
    fs.writeFileSync(config, JSON.stringify({ db, printers: { kitchen: { uri: 'tcp://127.0.0.1:9', home: 'server-1' } } }));
    const result = await runCli(['worker', '--config', config], { env: { RECEIPT_SPOOL_HOST: 'till-1' } });
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 2, stderr: expect.stringContaining('is homed on another host (this host is "till-1"') });
  });

  it('with PostgreSQL unreachable, --once fails with exit 1 saying so (nothing lost: the jobs stay in the spool)', async () => {
    writeConfig({ host: 'till-1', url: 'postgres://pos:secret@127.0.0.1:1/fleet' });
    await runCli(['submit', '-', '--config', config], { input: receiptJson('T-1', { printer: 'kitchen' }) });
    const result = await runCli(['outbox', '--once', '--config', config]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/PostgreSQL is unreachable: postgres:\/\/pos:\*\*\*@127\.0\.0\.1:1\/fleet/);
    const listed = await runCli(['list', '--config', config, '--json']);
    expect(jsonLines(listed.stdout).map((job) => job['state'])).toEqual(['queued']);
  });

  describe.skipIf(!postgres.available)('with PostgreSQL', () => {
    let schema: string;
    let fleetUrl: string;
    beforeEach(() => {
      schema = freshSchema();
      const url = new URL(testDatabaseUrl());
      url.searchParams.set('schema', schema);
      fleetUrl = url.toString();
    });
    afterEach(() => dropSchema(schema));

    it("--once forwards the spool: the till's own job mirrored, the kitchen's queued in the fleet and withdrawn here", async () => {
      writeConfig({ host: 'till-1', url: fleetUrl });
      await runCli(['submit', '-', '--config', config], { input: receiptJson('OWN-1', { printer: 'front' }) });
      await runCli(['submit', '-', '--config', config], { input: receiptJson('KIT-1', { printer: 'kitchen' }) });
      const result = await runCli(['outbox', '--once', '--config', config, '--json']);
      expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
      expect(jsonLines(result.stdout).map((line) => line['event'])).toEqual(['forwarded', 'drained']);
      const fleet = openSpool({ url: fleetUrl });
      try {
        expect((await fleet.list()).map((job) => [job.transactionId, job.printer, job.state])).toEqual([
          ['OWN-1', 'front', 'queued'],
          ['KIT-1', 'kitchen', 'queued'],
        ]);
      } finally {
        await fleet.close();
      }
      const local = await runCli(['list', '--config', config, '--json']);
      expect(jsonLines(local.stdout).map((job) => [job['transactionId'], job['state']])).toEqual([
        ['OWN-1', 'queued'],
        ['KIT-1', 'cancelled'],
      ]);
    });
  });
});
