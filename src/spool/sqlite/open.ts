/**
 * Opening the SQLite store: file mode 0600 before SQLite sees it, WAL with `synchronous=FULL`
 * (a commit is on disk before `submit` resolves), busy timeout, and forward migrations.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { StoreDirectoryMissingError, StoreError, StoreReadOnlyError } from '../../errors.js';
import { toStoreError } from './errors.js';
import { latestVersion, migrations } from './migrations.js';
import { explainBindingError } from './native.js';

/** better-sqlite3 is native: loaded when a store is first opened, not when the package is imported. */
function loadDatabase(): typeof BetterSqlite3 {
  return createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
}

export type Db = BetterSqlite3.Database;

export interface OpenOptions {
  /** How long a write waits for another process's lock before `StoreLockedError` (default 5000). */
  busyTimeoutMs?: number;
  /** Cap on the store's size (`PRAGMA max_page_count`); writes past it fail with `StoreFullError`. */
  maxSizeBytes?: number;
}

export function openDatabase(path: string, options: OpenOptions = {}): Db {
  createPrivateFile(path);
  let db: Db | undefined;
  try {
    const Database = loadDatabase();
    db = new Database(path, { timeout: options.busyTimeoutMs ?? 5000 });
    makeDurable(db);
    if (options.maxSizeBytes !== undefined) {
      const pageSize = db.pragma('page_size', { simple: true }) as number;
      db.pragma(`max_page_count = ${Math.max(1, Math.floor(options.maxSizeBytes / pageSize))}`);
    }
    migrate(db, path);
    restrictSidecarFiles(path);
    return db;
  } catch (error) {
    db?.close();
    throw explainBindingError(error) ?? toStoreError(error, path);
  }
}

/** WAL with an fsync at every commit: what "durable" means for the store (and for the submit bench's bare INSERT). */
export function makeDurable(db: Db): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
}

/** Creates the file 0600 if missing, so SQLite (and its -wal/-shm, which copy the mode) never widen it. */
function createPrivateFile(path: string): void {
  try {
    fs.closeSync(fs.openSync(path, 'a', 0o600));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const directory = dirname(resolve(path));
    if (code === 'ENOENT' && !fs.existsSync(directory)) {
      throw new StoreDirectoryMissingError(
        `the store's directory ${directory} does not exist (store ${path}): create it (mkdir -p ${directory}) or choose another path (--db, RECEIPT_SPOOL_DB)`,
        path,
        { cause: error },
      );
    }
    if (code === 'EACCES' || code === 'EROFS' || code === 'EPERM') {
      throw new StoreReadOnlyError(`cannot create or open the store file ${path}: ${code}`, path, { cause: error });
    }
    throw new StoreError(`cannot open the store file ${path}: ${code ?? String(error)}`, path, { cause: error });
  }
}

function restrictSidecarFiles(path: string): void {
  for (const suffix of ['-wal', '-shm']) {
    try {
      fs.chmodSync(path + suffix, 0o600);
    } catch {
      // Not created yet, or owned by another user: SQLite creates them with the database's mode.
    }
  }
}

export function migrate(db: Db, path: string): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > latestVersion) {
    throw new StoreError(`store ${path} has schema version ${current}, newer than this receipt-spool supports (${latestVersion})`, path);
  }
  if (current === latestVersion) return;
  // IMMEDIATE takes the write lock first, so two processes opening a new store do not both migrate.
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    for (const migration of migrations) {
      if (migration.version <= version) continue;
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    }
  }).immediate();
}
