/**
 * The PostgreSQL store when the network fails: a TCP proxy between the store and the server is
 * closed or cuts every connection. The store reports `PostgreSQL is unreachable`, and works again
 * (with wake-ups) as soon as the server is reachable, without being reopened.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/spool/postgres/store.js';
import { receipt } from './helpers.js';
import { dropSchema, freshSchema, postgres, testDatabaseUrl } from './postgres-helpers.js';
import { CuttableProxy } from './tcp-proxy.js';

describe.skipIf(!postgres.available)('PostgreSQL store behind a failing network', () => {
  let schema: string;
  let proxy: CuttableProxy;
  const stores: PostgresStore[] = [];

  function open(url: string): PostgresStore {
    const store = new PostgresStore(url, { schema, relistenDelayMs: 50 });
    stores.push(store);
    return store;
  }

  beforeEach(() => {
    schema = freshSchema();
    const server = new URL(testDatabaseUrl());
    proxy = new CuttableProxy({ host: server.hostname, port: Number(server.port || 5432) });
  });

  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
    await proxy.close();
    await dropSchema(schema);
  });

  it('opened while the server is unreachable, it reports that and works once the server is back', async () => {
    await proxy.listen();
    const port = proxy.port;
    const url = proxy.urlThrough(testDatabaseUrl());
    await proxy.close(); // nothing listens on the port now
    const store = open(url);
    await expect(store.listJobs({})).rejects.toMatchObject({ code: 'STORE_ERROR', message: expect.stringMatching(/PostgreSQL is unreachable/) });
    await proxy.listen(port);
    expect((await store.insertJob({ transactionId: 'BACK-1', printer: 'p', document: receipt('BACK-1'), kind: 'original' }, 1)).created).toBe(true);
  });

  it('after every connection is cut, the next operations reconnect and watch() fires again', async () => {
    await proxy.listen();
    const store = open(proxy.urlThrough(testDatabaseUrl()));
    const other = open(testDatabaseUrl());
    let calls = 0;
    store.watch(() => calls++);
    await changeUntil(() => calls > 0, other, 'A');

    proxy.cut();
    // An operation on a connection that was cut fails as a store error; the ones after it reconnect.
    let stored = false;
    for (let n = 0; !stored; n++) {
      if (n === 20) throw new Error('the store did not reconnect after 20 tries');
      stored = await store.insertJob({ transactionId: `CUT-${n}`, printer: 'p', document: receipt(`CUT-${n}`), kind: 'original' }, 1).then(
        () => true,
        (error: unknown) => {
          expect(error).toMatchObject({ code: 'STORE_ERROR' });
          return false;
        },
      );
    }
    const before = calls;
    await changeUntil(() => calls > before, other, 'B');
  });
});

/** Inserts a job through `other` every 100 ms until `done()` (watch() needs a moment to listen). */
async function changeUntil(done: () => boolean, other: PostgresStore, prefix: string): Promise<void> {
  for (let n = 0; !done(); n++) {
    if (n === 50) throw new Error('watch() did not fire within 5 s of changes by another connection');
    await other.insertJob({ transactionId: `${prefix}-${n}`, printer: 'p', document: receipt(`${prefix}-${n}`), kind: 'original' }, 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
