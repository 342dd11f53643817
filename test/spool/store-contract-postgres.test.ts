import { describe } from 'vitest';
import { PostgresStore } from '../../src/spool/postgres/store.js';
import { dropSchema, freshSchema, postgres, testDatabaseUrl } from './postgres-helpers.js';
import { describeStoreContract } from './store-contract.js';

describe.skipIf(!postgres.available)('PostgreSQL store', () => {
  describeStoreContract('PostgreSQL', async () => {
    const schema = freshSchema();
    const opened = [new PostgresStore(testDatabaseUrl(), { schema })];
    return {
      store: opened[0]!,
      openAnother: async () => {
        const another = new PostgresStore(testDatabaseUrl(), { schema });
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
