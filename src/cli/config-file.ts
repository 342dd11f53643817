/**
 * Where the shop's config file is (`--config`, `$RECEIPT_SPOOL_CONFIG`, `./receipt-spool.json`),
 * apart from config.ts so that finding none costs nothing: its validator (zod) loads only when
 * there is a file to read.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const CONFIG_FILE_NAME = 'receipt-spool.json';

/** The config file to read, or undefined when none is named and none is in the working directory. */
export function findConfigFile(flag: string | undefined, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string | undefined {
  const named = flag ?? (env['RECEIPT_SPOOL_CONFIG'] || undefined);
  if (named !== undefined) return resolve(cwd, named);
  const local = resolve(cwd, CONFIG_FILE_NAME);
  return existsSync(local) ? local : undefined;
}
