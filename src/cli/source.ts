/** A receipt document as a command reads it: a file or standard input, its JSON, and its image files. Loaded at run time. */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { ReceiptDocument } from '../document/types.js';
import { CliError, EXIT_USAGE, located } from './errors.js';

/** Where a document came from: its text, a name for messages and the directory images are read from. */
export interface DocumentSource {
  text: string;
  name: string;
  baseDir: string;
}

/** Reads a file, or standard input for `-`. */
export async function readSource(file: string): Promise<DocumentSource> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return { text: Buffer.concat(chunks).toString('utf8'), name: 'standard input', baseDir: process.cwd() };
  }
  const path = resolve(file);
  try {
    return { text: await readFile(path, 'utf8'), name: file, baseDir: dirname(path) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (code ?? 'read error');
    throw new CliError(`cannot read ${file}: ${why}; give the path of a receipt JSON file, or - for standard input.`);
  }
}

/** Parses the JSON of a document source; bad JSON → exit 2 naming the file and the position. */
export function parseJson(source: DocumentSource): unknown {
  try {
    return JSON.parse(source.text) as unknown;
  } catch (error) {
    throw new CliError(`bad JSON in ${source.name}: ${(error as Error).message}; fix the file and try again.`, EXIT_USAGE);
  }
}

/** Parses and validates a document source, reading its image files relative to it. */
export async function loadDocument(source: DocumentSource): Promise<ReceiptDocument> {
  const input = parseJson(source);
  const [{ validateReceipt }, { inlineImageFiles }] = await Promise.all([import('../document/validate.js'), import('../spool/inline-images.js')]);
  try {
    return validateReceipt(await inlineImageFiles(input, source.baseDir));
  } catch (error) {
    throw located(error, source.name);
  }
}
