/**
 * PostgreSQL for tests: the server named by RECEIPT_SPOOL_TEST_PG (see test/support/requirements.ts),
 * a fresh schema per test so tests never see each other's rows, dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { postgres } from '../support/requirements.js';

export { postgres };

export function testDatabaseUrl(): string {
  const url = process.env['RECEIPT_SPOOL_TEST_PG'];
  if (!url) throw new Error('RECEIPT_SPOOL_TEST_PG is not set (tests using it must skip with describe.skipIf(!postgres.available))');
  return url;
}

/** A schema name no other test uses. */
export function freshSchema(): string {
  return `rs_test_${randomBytes(6).toString('hex')}`;
}

/** Runs SQL on the test server outside any store (setup and teardown). */
export async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export function dropSchema(schema: string): Promise<void> {
  return adminQuery(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
}
