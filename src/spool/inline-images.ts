/**
 * The I/O edge for pictures: documents may name a PNG file (`{ "image": "logo.png" }`), but a
 * stored document must be self-contained (a reprint months later cannot depend on a file), so
 * file paths become `data:image/png;base64,` URIs before validation.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InvalidDocumentError, type ValidationIssue } from '../errors.js';
import { LIMITS, PNG_DATA_URI_PREFIX } from '../document/limits.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Largest file whose base64 form still fits in LIMITS.maxImageDataUriBytes. */
const MAX_FILE_BYTES = Math.floor((LIMITS.maxImageDataUriBytes - PNG_DATA_URI_PREFIX.length) / 4) * 3;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function readPngAsDataUri(path: string, file: string): Promise<string | ValidationIssue> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'read error';
    return { path, message: `cannot read image file "${file}" (${code})` };
  }
  if (bytes.length < PNG_SIGNATURE.length || !bytes.subarray(0, PNG_SIGNATURE.length).equals(PNG_SIGNATURE)) {
    return { path, message: `image file "${file}" is not a PNG` };
  }
  if (bytes.length > MAX_FILE_BYTES) {
    return { path, message: `image file "${file}" is ${bytes.length} bytes; the limit is ${MAX_FILE_BYTES}` };
  }
  return PNG_DATA_URI_PREFIX + bytes.toString('base64');
}

/**
 * Return a copy of `doc` in which every `image` that is a file path (resolved against
 * `baseDir`) is replaced by the file's PNG as a data URI, or `doc` itself when it names no
 * file. Data URIs and everything that is not an image block pass through untouched
 * (validation judges them later); `doc` itself is never modified. Throws `InvalidDocumentError` naming the block path and the file when a file
 * is missing, unreadable, not a PNG or too large.
 */
export async function inlineImageFiles(doc: unknown, baseDir: string): Promise<unknown> {
  const { document, issues } = await inlineImageFilesLeniently(doc, baseDir);
  if (issues.length > 0) throw new InvalidDocumentError(issues);
  return document;
}

/**
 * `inlineImageFiles` without throwing for a file it cannot use: that block keeps its path (the
 * lenient reading leaves it out) and `issues` says why, by block path.
 */
export async function inlineImageFilesLeniently(doc: unknown, baseDir: string): Promise<{ document: unknown; issues: ValidationIssue[] }> {
  try {
    return await inline(doc, baseDir);
  } catch (error) {
    // Only exotic JavaScript values (throwing getters, revoked proxies) get here; JSON input cannot.
    throw new InvalidDocumentError([{ path: '', message: 'input could not be read as JSON data' }], { cause: error });
  }
}

function namesImageFile(block: unknown): block is Record<string, unknown> & { image: string } {
  return isPlainObject(block) && typeof block['image'] === 'string' && !block['image'].startsWith('data:');
}

async function inline(doc: unknown, baseDir: string): Promise<{ document: unknown; issues: ValidationIssue[] }> {
  const issues: ValidationIssue[] = [];
  if (!isPlainObject(doc) || !Array.isArray(doc['content'])) return { document: doc, issues };
  // The usual receipt names no file: nothing to read, nothing to copy.
  if (!doc['content'].some(namesImageFile)) return { document: doc, issues };
  const content = await Promise.all(
    doc['content'].map(async (block: unknown, index) => {
      if (!namesImageFile(block)) return block;
      const path = `content[${index}].image`;
      const result = await readPngAsDataUri(path, resolve(baseDir, block['image']));
      if (typeof result !== 'string') {
        issues.push(result);
        return block;
      }
      return { ...block, image: result };
    }),
  );
  issues.sort((a, b) => a.path.localeCompare(b.path, 'en', { numeric: true }));
  return { document: { ...doc, content }, issues };
}
