/**
 * The service's token: from `RECEIPT_SPOOL_TOKEN`, else from a file that is created (mode 0600)
 * with a random token at first start and replaced on rotation.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { InvalidArgumentError } from '../errors.js';

export const TOKEN_ENV = 'RECEIPT_SPOOL_TOKEN';
/** Long enough that guessing is hopeless even without the rate limit. */
const MIN_TOKEN_LENGTH = 16;

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

export interface TokenSource {
  token: string;
  /** Where it came from, for the start line: the variable's name or the file's path. */
  from: string;
  created: boolean;
}

export function loadToken(options: { file: string; env?: NodeJS.ProcessEnv; rotate?: boolean }): TokenSource {
  const fromEnv = (options.env ?? process.env)[TOKEN_ENV];
  if (fromEnv !== undefined && fromEnv !== '') {
    if (options.rotate) throw new InvalidArgumentError(`the token comes from ${TOKEN_ENV}; change the variable to rotate it`);
    return { token: checked(fromEnv.trim(), TOKEN_ENV), from: TOKEN_ENV, created: false };
  }
  if (!options.rotate) {
    try {
      return { token: checked(readFileSync(options.file, 'utf8').trim(), options.file), from: options.file, created: false };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  const token = newToken();
  // Written beside and renamed over, so a crash never leaves a half-written token file.
  const temporary = `${options.file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${token}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, options.file);
  return { token, from: options.file, created: true };
}

function checked(token: string, from: string): string {
  if (token.length < MIN_TOKEN_LENGTH || /\s/.test(token)) {
    throw new InvalidArgumentError(`the token in ${from} must be at least ${MIN_TOKEN_LENGTH} characters without spaces`);
  }
  return token;
}
