/** The prepared-statement cache (row shapes and their mapping: src/spool/rows.ts, shared with PostgreSQL). */
import type BetterSqlite3 from 'better-sqlite3';
import type { Db } from './open.js';

const cache = new WeakMap<Db, Map<string, BetterSqlite3.Statement>>();

/** The prepared statement for `sql` on `db`, prepared once. */
export function statement(db: Db, sql: string): BetterSqlite3.Statement {
  let statements = cache.get(db);
  if (!statements) {
    statements = new Map();
    cache.set(db, statements);
  }
  let prepared = statements.get(sql);
  if (!prepared) {
    prepared = db.prepare(sql);
    statements.set(sql, prepared);
  }
  return prepared;
}
