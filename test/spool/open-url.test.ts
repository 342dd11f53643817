/** Choosing the store by `openSpool({ path })` / `openSpool({ url })`; no server needed (nothing connects before first use). */
import { describe, expect, it } from 'vitest';
import { StoreError } from '../../src/errors.js';
import { parsePostgresUrl } from '../../src/spool/postgres/connect.js';
import { openSpool } from '../../src/spool/spool.js';

describe('openSpool store selection', () => {
  it('needs exactly one of path and url', () => {
    expect(() => openSpool({})).toThrow(StoreError);
    expect(() => openSpool({})).toThrow(/give path .* or url/);
    expect(() => openSpool({ path: '/tmp/x.db', url: 'postgres://h/db' })).toThrow(/not both/);
  });

  it('takes only postgres:// and postgresql:// URLs', () => {
    expect(() => openSpool({ url: 'mysql://h/db' })).toThrow(/url must start with postgres:\/\//);
    expect(() => openSpool({ url: '/var/lib/spool.db' })).toThrow(/for a SQLite file use path/);
  });

  it('shows the URL without its password and takes the schema from the URL', async () => {
    const spool = openSpool({ url: 'postgresql://till:s3cret@db.example:5433/pos?schema=shop_1' });
    expect(spool.path).toBe('postgresql://till:***@db.example:5433/pos');
    await spool.close();
    expect(parsePostgresUrl('postgres://h/db')).toMatchObject({ schema: 'receipt_spool', connectionString: 'postgres://h/db' });
    expect(parsePostgresUrl('postgres://h/db?schema=a&sslmode=disable')).toMatchObject({ schema: 'a', connectionString: 'postgres://h/db?sslmode=disable' });
  });

  it('refuses a schema name that is not a plain lower-case identifier, naming it', () => {
    expect(() => openSpool({ url: 'postgres://h/db?schema=Shop-1' })).toThrow(/schema name .*"Shop-1"/);
    expect(() => openSpool({ url: 'postgres://h/db?schema=x;drop' })).toThrow(StoreError);
  });
});
