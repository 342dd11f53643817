import { describe } from 'vitest';
import { PostgresStore } from '../../src/spool/postgres/store.js';
import { dropSchema, freshSchema, postgres, testDatabaseUrl } from './postgres-helpers.js';
import { describeStoreContract } from './store-contract.js';

describe.skipIf(!postgres.available)('PostgreSQL store', () => {
  // The contract drives time through the `now` it passes, leases included: the caller's lease clock.
  // The database's lease clock (the default) is tested in postgres-lease-clock.test.ts.
  describeStoreContract('PostgreSQL', async () => {
    const schema = freshSchema();
    const opened = [new PostgresStore(testDatabaseUrl(), { schema, leaseClock: 'caller' })];
    return {
      store: opened[0]!,
      openAnother: async () => {
        const another = new PostgresStore(testDatabaseUrl(), { schema, leaseClock: 'caller' });
        opened.push(another);
        return another;
      },
      teardown: async () => {
        await Promise.all(opened.map((store) => store.close()));
        await dropSchema(schema);
      },
    };
  });
});
