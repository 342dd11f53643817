/** `--png FILE` and `--save DIR`: receipts as pictures (src/preview), written where the user asked. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { getProfile, type PrinterProfile } from '../escpos/profiles.js';
import { renderPrintedCopy, renderReceipt } from '../preview/index.js';
import type { Job } from '../spool/types.js';
import type { Worker } from '../spool/worker.js';
import { CliError, EXIT_FAILURE } from './errors.js';

/** Write `png` to `path`; returns a note such as `wrote out.png (576 × 1180 dots)`. */
export async function writePng(path: string, png: Uint8Array): Promise<string> {
  try {
    await writeFile(path, png);
  } catch (error) {
    throw new CliError(`cannot write ${path}: ${(error as Error).message}.`, EXIT_FAILURE);
  }
  const header = Buffer.from(png.buffer, png.byteOffset, 24);
  return `wrote ${path} (${header.readUInt32BE(16)} × ${header.readUInt32BE(20)} dots)`;
}

export async function ensureDirectory(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw new CliError(`cannot create ${dir}: ${(error as Error).message}.`, EXIT_FAILURE);
  }
}

/** The job's receipt as its latest attempt printed it (`renderPrintedCopy`), into a PNG file. */
export async function writeJobPicture(job: Job, path: string, profileName = 'generic-80'): Promise<string> {
  const png = renderPrintedCopy(job, getProfile(profileName));
  if (png === undefined) throw new CliError(`${job.transactionId}: the document was purged; there is nothing to draw.`, EXIT_FAILURE);
  return writePng(path, png);
}

/**
 * `worker --digital-copies DIR`: each `digital-copy-due` becomes DIR/<transactionId>.png, the
 * receipt marked DIGITAL COPY, for the POS to send to the customer while the printer is down.
 */
export async function saveDigitalCopies(
  worker: Worker,
  dir: string,
  profile: PrinterProfile | undefined,
  log: (event: string, fields: Record<string, unknown>, human: string) => void,
): Promise<void> {
  await ensureDirectory(dir);
  worker.on('digital-copy-due', ({ job }) => {
    if (job.document === null) return; // purged: nothing to draw
    const file = path.join(dir, `${job.transactionId.replace(/[^A-Za-z0-9._-]/g, '_')}.png`);
    const mark = { copy: job.copy + 1, time: new Date().toISOString(), text: '*** DIGITAL COPY ***' };
    const document = job.document;
    Promise.resolve()
      .then(() => writePng(file, renderReceipt(document, profile ?? 'generic-80', { mark })))
      .then(
        (note) => log('digital-copy', { transactionId: job.transactionId, file }, note),
        (error: Error) => log('worker-error', { error: error.message }, `digital copy not written: ${error.message}`),
      );
  });
}
