/**
 * The PostgreSQL store when the network fails: a TCP proxy between the store and the server is
 * closed or cuts every connection. The store reports `PostgreSQL is unreachable`, and works again
 * (with wake-ups) as soon as the server is reachable, without being reopened.
 */
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/spool/postgres/store.js';
import { receipt } from './helpers.js';
import { dropSchema, freshSchema, postgres, testDatabaseUrl } from './postgres-helpers.js';

/** Forwards 127.0.0.1:port to the test server; can stop listening and cut every open connection. */
class CuttableProxy {
  readonly #sockets = new Set<net.Socket>();
  #server: net.Server | undefined;
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async listen(port = 0): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.target);
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.on('close', () => this.#sockets.delete(socket));
        socket.on('error', () => {});
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.port = (server.address() as net.AddressInfo).port;
    this.#server = server;
  }

  cut(): void {
    for (const socket of this.#sockets) socket.destroy();
  }

  async close(): Promise<void> {
    this.cut();
    const server = this.#server;
    this.#server = undefined;
    if (server) await new Promise((resolve) => server.close(resolve));
  }
}

describe.skipIf(!postgres.available)('PostgreSQL store behind a failing network', () => {
  let schema: string;
  let proxy: CuttableProxy;
  const stores: PostgresStore[] = [];

  function urlThrough(port: number): string {
    const url = new URL(testDatabaseUrl());
    url.hostname = '127.0.0.1';
    url.port = String(port);
    return url.toString();
  }

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
    await proxy.close(); // nothing listens on the port now
    const store = open(urlThrough(port));
    await expect(store.listJobs({})).rejects.toMatchObject({ code: 'STORE_ERROR', message: expect.stringMatching(/PostgreSQL is unreachable/) });
    await proxy.listen(port);
    expect((await store.insertJob({ transactionId: 'BACK-1', printer: 'p', document: receipt('BACK-1'), kind: 'original' }, 1)).created).toBe(true);
  });

  it('after every connection is cut, the next operations reconnect and watch() fires again', async () => {
    await proxy.listen();
    const store = open(urlThrough(proxy.port));
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
