/**
 * Lease time on the database's clock (the PostgreSQL store's default): two hosts whose clocks
 * disagree by two minutes still agree who holds a printer. Each store handle below passes a
 * deliberately skewed `now`; with leases on the callers' clocks, the fast host would take a live
 * lease at once, and the slow one would keep claiming on a lease the server let expire.
 */
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/spool/postgres/store.js';
import { receipt } from './helpers.js';
import { dropSchema, freshSchema, postgres, testDatabaseUrl } from './postgres-helpers.js';

const SLOW_MS = -60_000;
const FAST_MS = 60_000;

describe.skipIf(!postgres.available)('PostgreSQL leases on the database clock', () => {
  let schema: string;
  let slow: PostgresStore;
  let fast: PostgresStore;
  const slowNow = (): number => Date.now() + SLOW_MS;
  const fastNow = (): number => Date.now() + FAST_MS;

  beforeEach(() => {
    schema = freshSchema();
    slow = new PostgresStore(testDatabaseUrl(), { schema });
    fast = new PostgresStore(testDatabaseUrl(), { schema });
  });

  afterEach(async () => {
    await Promise.all([slow.close(), fast.close()]);
    await dropSchema(schema);
  });

  /** Milliseconds on the server's clock. */
  async function serverNow(): Promise<number> {
    const client = new pg.Client({ connectionString: testDatabaseUrl() });
    await client.connect();
    try {
      return Number((await client.query<{ ms: string }>(`SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS ms`)).rows[0]!.ms);
    } finally {
      await client.end();
    }
  }

  /** Tries `acquire` every 20 ms until it succeeds; returns how many tries it refused. */
  async function refusalsUntilAcquired(acquire: () => Promise<boolean>): Promise<number> {
    for (let refused = 0; refused < 500; refused++) {
      if (await acquire()) return refused;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error('the lease was not taken over within 10 s');
  }

  it('a host whose clock is ahead cannot take a live lease from a host whose clock is behind', async () => {
    expect(await slow.acquireLease('front', 'slow-host', 10_000, slowNow())).toBe(true);
    expect(await fast.acquireLease('front', 'fast-host', 10_000, fastNow())).toBe(false);
    expect(await slow.acquireLease('front', 'slow-host', 10_000, slowNow())).toBe(true); // renewed
    expect(await fast.acquireLease('front', 'fast-host', 10_000, fastNow())).toBe(false);
  });

  it('a host whose clock is behind takes an expired lease once the server says it expired, not two minutes later', async () => {
    const ttl = 300;
    expect(await fast.acquireLease('front', 'fast-host', ttl, fastNow())).toBe(true);
    const from = await serverNow();
    const refused = await refusalsUntilAcquired(() => slow.acquireLease('front', 'slow-host', ttl, slowNow()));
    const waited = (await serverNow()) - from;
    expect(refused).toBeGreaterThan(0);
    expect(waited).toBeGreaterThanOrEqual(ttl - 50); // the lease ran its time on the server's clock
    expect(waited).toBeLessThan(FAST_MS);
    expect(await slow.readLease('front')).toMatchObject({ holder: 'slow-host' });
  });

  it('a holder whose clock stepped back cannot claim on a lease the server let expire', async () => {
    await slow.insertJob({ transactionId: 'SKEW-1', printer: 'front', document: receipt('SKEW-1'), kind: 'original' }, slowNow() - 120_000);
    const ttl = 200;
    const claim = { printer: 'front', holder: 'slow-host', includeAttention: false };
    expect(await slow.acquireLease('front', 'slow-host', ttl, slowNow())).toBe(true);
    const expiresBy = (await serverNow()) + ttl;
    while ((await serverNow()) <= expiresBy + 20) await new Promise((resolve) => setTimeout(resolve, 20));
    // The host's clock is stepped back a minute: by it the lease has a minute left; by the server's it is gone.
    const steppedBack = (): number => slowNow() - 60_000;
    expect(await slow.claimJob(claim, steppedBack())).toBeUndefined();
    // Renewed, the same claim on the same clock takes the job: only the lease stopped it.
    expect(await slow.acquireLease('front', 'slow-host', 10_000, steppedBack())).toBe(true);
    expect(await slow.claimJob(claim, steppedBack())).toMatchObject({ transactionId: 'SKEW-1', state: 'sending', attempts: 1 });
  });

  it("readLease tells the expiry on the reading host's clock", async () => {
    expect(await fast.acquireLease('front', 'fast-host', 10_000, fastNow())).toBe(true);
    const lease = (await slow.readLease('front'))!;
    expect(lease.expiresAt - Date.now()).toBeGreaterThan(8_000);
    expect(lease.expiresAt - Date.now()).toBeLessThanOrEqual(10_000);
  });
});
