import fs from 'node:fs';
import path from 'node:path';
import { SqliteStore } from '../../src/spool/sqlite/store.js';
import type { SpoolStore } from '../../src/spool/store.js';
import { tempDir } from './helpers.js';
import { describeStoreContract } from './store-contract.js';

describeStoreContract('SQLite', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'spool.db');
  const opened: SpoolStore[] = [new SqliteStore(file)];
  return {
    store: opened[0]!,
    openAnother: async () => {
      const another = new SqliteStore(file);
      opened.push(another);
      return another;
    },
    teardown: async () => {
      for (const store of opened) await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});
