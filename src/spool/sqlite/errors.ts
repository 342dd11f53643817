/** Maps SQLite result codes to the store errors callers branch on. */
import { StoreCorruptError, StoreError, StoreFullError, StoreLockedError, StoreMissingError, StoreReadOnlyError } from '../../errors.js';

export function toStoreError(error: unknown, path: string): unknown {
  if (error instanceof StoreError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return error;
  const detail = (error as Error).message;
  const options = { cause: error };
  if (code === 'SQLITE_FULL') {
    return new StoreFullError(`store is full (disk or size limit): ${path}: ${detail}`, path, options);
  }
  if (code === 'SQLITE_READONLY_DBMOVED') {
    return new StoreMissingError(`store file was deleted or moved while open: ${path}`, path, options);
  }
  if (code.startsWith('SQLITE_READONLY') || code === 'SQLITE_PERM' || code === 'SQLITE_AUTH') {
    return new StoreReadOnlyError(`store is read-only: ${path}: ${detail}`, path, options);
  }
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    return new StoreCorruptError(`store file is corrupt or not a database: ${path}: ${detail}`, path, options);
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new StoreLockedError(`store is locked by another process: ${path}: ${detail}`, path, options);
  }
  if (code.startsWith('SQLITE_CANTOPEN') && /read-?only|EACCES|permission/i.test(detail)) {
    return new StoreReadOnlyError(`store cannot be opened for writing: ${path}: ${detail}`, path, options);
  }
  return new StoreError(`store error (${code}): ${path}: ${detail}`, path, options);
}

/** Runs `fn`, rethrowing SQLite failures as store errors. */
export function storeCall<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw toStoreError(error, path);
  }
}
