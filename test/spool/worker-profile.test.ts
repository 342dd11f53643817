/**
 * With no profile configured, the worker renders for the profile the printer names in its GS I
 * answers. It must ask a connected printer, and must not settle on the generic profile for good
 * because the printer could not answer at that moment.
 */
import iconv from 'iconv-lite';
import { expect, it } from 'vitest';
import { DisconnectedError, PaperEndError } from '../../src/errors.js';
import type { PrinterIdentity, PrintOptions, PrintResult } from '../../src/printer/types.js';
import { eventually, FakeLink, useTempSpool } from './helpers.js';

/** A Chinese-market TM-T88 that answers GS I only while connected and online. */
class ChinesePrinter extends FakeLink {
  override connected = false;
  readonly jobs: Uint8Array[] = [];
  answersIdentity = true;

  override async identify(): Promise<PrinterIdentity> {
    if (!this.connected) throw new DisconnectedError('not connected');
    if (!this.answersIdentity) throw new PaperEndError();
    return { maker: 'EPSON', model: 'TM-T88V', language: 'CHINA GB18030' };
  }

  override async print(bytes: Uint8Array, options: PrintOptions = {}): Promise<PrintResult> {
    if (!this.answersIdentity) throw new PaperEndError(undefined, { mayHavePrinted: false });
    this.jobs.push(bytes);
    options.onSent?.(bytes.length);
    return { guarantee: 'printed', bytesSent: bytes.length };
  }
}

const CHINESE = '收银小票 合计';
const temp = useTempSpool();

function printsChinese(bytes: Uint8Array): boolean {
  return Buffer.from(bytes).includes(Buffer.concat([Buffer.from([0x1c, 0x26]), iconv.encode(CHINESE, 'gb18030')]));
}

it('asks the connected printer for its profile: a job arriving before the link is up prints in GB18030', async () => {
  const link = new ChinesePrinter();
  const worker = temp.spool.createWorker({ printer: 'front', link, statusPollMs: 50, pollMs: 50 }).start();
  await temp.spool.submit({ transactionId: 'CN-1', printer: 'front', content: [CHINESE, { cut: true }] });
  await eventually(() => link.jobs.length === 1);
  expect(printsChinese(link.jobs[0]!)).toBe(true);
  await worker.stop();
});

it('a printer that cannot answer yet (paper out) is asked again once it recovers', async () => {
  const link = new ChinesePrinter();
  link.answersIdentity = false;
  const worker = temp.spool.createWorker({ printer: 'front', link, statusPollMs: 50, pollMs: 50 }).start();
  await temp.spool.submit({ transactionId: 'CN-2', printer: 'front', content: [CHINESE, { cut: true }] });
  await eventually(async () => (await temp.spool.get('CN-2'))?.state === 'needs-attention');
  link.answersIdentity = true;
  link.setStatus({}); // the printer announces it is ready again
  await eventually(() => link.jobs.length === 1);
  expect(printsChinese(link.jobs[0]!)).toBe(true);
  await worker.stop();
});
