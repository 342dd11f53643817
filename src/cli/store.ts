/**
 * The config file and the spool store as a command's `run` opens them. Loaded at run time: the
 * spool (and SQLite's native binding, or `pg`) and the config validator load only here.
 */
import { existsSync } from 'node:fs';
import type { Spool } from '../spool/spool.js';
import type { SpoolConfig } from './config.js';
import { findConfigFile } from './config-file.js';
import { CliError, located } from './errors.js';
import { DEFAULT_DB, type StoreOptions } from './options.js';

/** The config file for these options (undefined when there is none); a bad one exits 2 naming the JSON path. */
export async function configOf(options: { config?: string }): Promise<SpoolConfig | undefined> {
  if (findConfigFile(options.config) === undefined) return undefined;
  const { loadConfig } = await import('./config.js');
  return loadConfig(options.config);
}

/** The store path: `--db` / `$RECEIPT_SPOOL_DB`, else the config file's `db`, else ./receipt-spool.db. */
export function storePath(options: StoreOptions, config: SpoolConfig | undefined): string {
  return options.db ?? config?.db ?? DEFAULT_DB;
}

/** A PostgreSQL URL (the fleet's or a shared store), not a SQLite file. */
export function isPostgresUrl(path: string): boolean {
  return /^postgres(ql)?:\/\//i.test(path);
}

/**
 * Opens the store: a SQLite file, or PostgreSQL for a postgres:// URL. Commands that only read or
 * change existing jobs refuse to create a SQLite file (a PostgreSQL schema is created on first use).
 */
export async function openStore(storeOptions: StoreOptions, options: { create: boolean; config?: SpoolConfig | undefined }): Promise<Spool> {
  const path = storePath(storeOptions, 'config' in options ? options.config : await configOf(storeOptions));
  const postgres = isPostgresUrl(path);
  if (!postgres && !options.create && !existsSync(path)) {
    throw new CliError(`no spool store at ${path}: pass --db PATH or set RECEIPT_SPOOL_DB to the store the worker uses.`);
  }
  const { openSpool } = await import('../spool/spool.js');
  try {
    return openSpool(postgres ? { url: path } : { path });
  } catch (error) {
    throw located(error, postgres ? path.replace(/:[^:@/]*@/, ':***@') : path);
  }
}
