/**
 * Reaching PostgreSQL: the URL (with an optional `schema` query parameter, default
 * `receipt_spool`), the lazily loaded `pg` driver (SQLite-only users never load it), BIGINT as
 * numbers (our times and ids stay below 2^53), errors mapped to the store errors callers branch
 * on, and the migrations.
 */
import type { ClientConfig, Pool, PoolClient } from 'pg';
import { StoreError, StoreFullError, StoreLockedError, StoreReadOnlyError } from '../../errors.js';
import { latestVersion, migrations } from './migrations.js';

export const DEFAULT_SCHEMA = 'receipt_spool';
const INT8_OID = 20;

export interface PostgresTarget {
  /** The connection string without the `schema` parameter. */
  connectionString: string;
  schema: string;
  /** The URL without its password: what errors and `store.path` show. */
  display: string;
}

export function isPostgresUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//i.test(value);
}

export function parsePostgresUrl(url: string, schemaOverride?: string): PostgresTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new StoreError(`not a PostgreSQL URL: ${url.replace(/:[^:@/]*@/, ':***@')}`, undefined, { cause: error });
  }
  const schema = schemaOverride ?? parsed.searchParams.get('schema') ?? DEFAULT_SCHEMA;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new StoreError(`PostgreSQL schema name must be lower-case letters, digits and _ (at most 63): "${schema}"`);
  }
  parsed.searchParams.delete('schema');
  const connectionString = parsed.toString();
  if (parsed.password) parsed.password = '***';
  return { connectionString, schema, display: parsed.toString() };
}

type PgModule = typeof import('pg');
let driver: Promise<PgModule> | undefined;

/** `pg`, imported on first use. */
export function loadDriver(): Promise<PgModule> {
  driver ??= import('pg').then((module) => (module as unknown as { default?: PgModule }).default ?? module);
  return driver;
}

export function clientConfig(pg: PgModule, target: PostgresTarget): ClientConfig {
  return {
    connectionString: target.connectionString,
    options: `-c search_path=${target.schema}`,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === INT8_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format))) as never,
    },
  };
}

/** `timeouts`: for a caller that must notice a silent network (the till's outbox), not only a refused one. */
export async function createPool(target: PostgresTarget, max: number, timeouts: { connectMs?: number; queryMs?: number } = {}): Promise<Pool> {
  const pg = await loadDriver();
  const pool = new pg.Pool({
    ...clientConfig(pg, target),
    max,
    allowExitOnIdle: true,
    ...(timeouts.connectMs === undefined ? {} : { connectionTimeoutMillis: timeouts.connectMs, keepAlive: true }),
    ...(timeouts.queryMs === undefined ? {} : { query_timeout: timeouts.queryMs }),
  });
  // A client whose server went away must not crash the process, idle (the pool's 'error') or checked
  // out between queries (the client's own 'error'): the query that needs it reports it.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  try {
    await migrate(pool, target);
  } catch (error) {
    await pool.end().catch(() => {});
    throw error;
  }
  return pool;
}

async function migrate(pool: Pool, target: PostgresTarget): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`receipt-spool:${target.schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${target.schema}`);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ version: number | null }>(`SELECT max(version) AS version FROM schema_migrations`);
    const current = rows[0]?.version ?? 0;
    if (current > latestVersion) {
      throw new StoreError(
        `store ${target.display} (schema ${target.schema}) has schema version ${current}, newer than this receipt-spool supports (${latestVersion})`,
        target.display,
      );
    }
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      await client.query(migration.sql);
      await client.query(`INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, [migration.version, migration.name]);
    }
    await client.query('COMMIT');
    client.release();
  } catch (error) {
    await rollback(client, error);
    throw toStoreError(error, target.display);
  }
}

/** Rolls back and returns the client to the pool, or destroys it if the connection is broken. */
/**
 * Runs `fn` in one transaction on `client` (`begin` may add `SET LOCAL …`) and releases the client:
 * COMMIT on success, ROLLBACK (or a broken client discarded) on failure, which rethrows as it came.
 */
export async function inTransaction<T>(client: PoolClient, fn: (client: PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
  try {
    await client.query(begin);
    const result = await fn(client);
    await client.query('COMMIT');
    client.release();
    return result;
  } catch (error) {
    await rollback(client, error);
    throw error;
  }
}

export async function rollback(client: PoolClient, cause: unknown): Promise<void> {
  try {
    await client.query('ROLLBACK');
    client.release();
  } catch {
    client.release(cause instanceof Error ? cause : new Error(String(cause)));
  }
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'EPIPE', '57P01', '57P02', '57P03']);

/** pg and socket errors as store errors; the spool's own errors pass through. */
export function toStoreError(error: unknown, display: string): unknown {
  if (error instanceof StoreError || !(error instanceof Error)) return error;
  const code = (error as { code?: unknown }).code;
  const options = { cause: error };
  if (typeof code === 'string') {
    if (code === '53100') return new StoreFullError(`PostgreSQL is out of disk space: ${display}: ${error.message}`, display, options);
    if (code === '25006' || code === '42501') return new StoreReadOnlyError(`PostgreSQL refused the write: ${display}: ${error.message}`, display, options);
    if (code === '55P03' || code === '40P01' || code === '40001') return new StoreLockedError(`PostgreSQL lock conflict: ${display}: ${error.message}`, display, options);
    if (UNREACHABLE.has(code) || code.startsWith('08')) return new StoreError(`PostgreSQL is unreachable: ${display}: ${error.message}`, display, options);
    if (/^[0-9A-Z]{5}$/.test(code)) return new StoreError(`PostgreSQL error ${code}: ${display}: ${error.message}`, display, options);
  }
  if (/Connection terminated|connection timeout|Client has encountered a connection error/i.test(error.message)) {
    return new StoreError(`PostgreSQL is unreachable: ${display}: ${error.message}`, display, options);
  }
  return error;
}
