/**
 * Found by the fleet chaos test (seed 22): a print server cut off from the store kept its idle
 * connection to the printer after its lease ran out. A port-9100 printer serves one connection at
 * a time ("other users wait"), so the host that took the printer over heard nothing, judged it
 * one-way and gave the job up as ONE_WAY. A worker that cannot renew its lease for a whole TTL
 * now closes its link, and the other host prints.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { VirtualPrinter } from '../../src/emulator/index.js';
import { StoreError } from '../../src/errors.js';
import { Printer } from '../../src/printer/printer.js';
import { SqliteStore } from '../../src/spool/sqlite/store.js';
import { openSpool, Spool } from '../../src/spool/spool.js';
import type { SpoolStore } from '../../src/spool/store.js';
import { TcpTransport } from '../../src/transport/tcp.js';
import { eventually, tempDir } from './helpers.js';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

/** `store`, except that while `cut.off` every operation fails as if the server were unreachable. */
function cuttable(store: SpoolStore, cut: { off: boolean }): SpoolStore {
  return new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (key === 'close' || key === 'watch' || key === 'check') return method.bind(target);
      return (...args: unknown[]) => (cut.off ? Promise.reject(new StoreError('store unreachable (test)')) : method.apply(target, args));
    },
  });
}

it('a worker cut off from the store for a whole lease frees the printer for the host taking it over', { timeout: 30_000 }, async () => {
  const printer = new VirtualPrinter();
  const { port } = await printer.listen();
  const dir = tempDir();
  const dbPath = path.join(dir, 'spool.db');
  const spool = openSpool({ path: dbPath });
  const cut = { off: false };
  const cutOff = new Spool(cuttable(new SqliteStore(dbPath), cut));
  const link = () => new Printer({ transport: () => new TcpTransport({ host: '127.0.0.1', port }), timeouts: { probe: 1000, status: 1000 } });
  const [linkA, linkB] = [link(), link()];
  const common = { printer: 'default', profile: 'generic-80', leaseMs: 600, statusPollMs: 100, retry: { initialMs: 50, maxMs: 200 } } as const;
  cleanup = async () => {
    await Promise.all([cutOff.close({ timeoutMs: 1000 }), spool.close({ timeoutMs: 1000 })]);
    await Promise.all([linkA.close(), linkB.close()]);
    await printer.close();
    fs.rmSync(dir, { recursive: true, force: true });
  };

  cutOff.createWorker({ ...common, link: linkA, host: 'host-a', holderId: 'host-a' }).start();
  await spool.submit({ transactionId: 'LOST-1', content: ['receipt LOST-1', { cut: true }] });
  await eventually(async () => (await spool.get('LOST-1'))?.state === 'printed', 10_000);
  expect(linkA.connected).toBe(true);

  cut.off = true; // host-a loses the store; its link to the printer is still open
  spool.createWorker({ ...common, link: linkB, host: 'host-b', holderId: 'host-b' }).start();
  await spool.submit({ transactionId: 'LOST-2', content: ['receipt LOST-2', { cut: true }] });
  await eventually(async () => ['printed', 'failed'].includes((await spool.get('LOST-2'))!.state), 20_000);
  expect(await spool.get('LOST-2')).toMatchObject({ state: 'printed', printedOn: 'default' });
  expect((await spool.history('LOST-2')).find((entry) => entry.toState === 'sending')?.message).toContain('claimed by host-b');
  expect(printer.journal.receipts.filter((r) => r.text.includes('receipt LOST-2') && r.complete)).toHaveLength(1);
});
