/**
 * The node-thermal-printer bridge with NTP's own API: receipts built with println/bold/printQR/
 * cut and executed through `spoolInterface` and `linkInterface` against the virtual printer.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PrinterTypes, ThermalPrinter } from 'node-thermal-printer';
import { afterEach, describe, expect, it } from 'vitest';
import { contentTransactionId, linkInterface, ntpDocument, spoolInterface, type NtpInterface } from '../../src/bridge/node-thermal-printer.js';
import { validateReceipt } from '../../src/document/validate.js';
import { VirtualPrinter, type VirtualPrinterOptions } from '../../src/emulator/index.js';
import type { Receipt } from '../../src/emulator/journal.js';
import { Printer } from '../../src/printer/printer.js';
import { openSpool, type Spool } from '../../src/spool/spool.js';
import type { Job } from '../../src/spool/types.js';
import { TcpTransport } from '../../src/transport/tcp.js';

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The NTP 4.6 calls used here (its .d.ts types `interface` as a string and omits some methods). */
interface Ntp {
  alignCenter(): void;
  alignLeft(): void;
  bold(on: boolean): void;
  println(text: string): void;
  leftRight(left: string, right: string): void;
  drawLine(): void;
  printQR(data: string, settings?: object): void;
  cut(): void;
  getBuffer(): Buffer;
  execute(options?: { docname?: string }): Promise<unknown>;
  isPrinterConnected(): Promise<boolean>;
}

function ntpPrinter(iface?: NtpInterface): Ntp {
  return new ThermalPrinter({ type: PrinterTypes.EPSON, width: 48, ...(iface ? { interface: iface } : {}) } as never) as unknown as Ntp;
}

/** A café receipt written the way NTP programs write them. */
function writeReceipt(printer: Ntp, tag: string): void {
  printer.alignCenter();
  printer.bold(true);
  printer.println('CAFE NTP');
  printer.bold(false);
  printer.alignLeft();
  printer.leftRight('Espresso', '2.40');
  printer.leftRight('Croissant', '1.90');
  printer.drawLine();
  printer.println(`Order ${tag}`);
  printer.printQR(`https://example.com/r/${tag}`);
  printer.cut();
}

async function virtualPrinter(options: VirtualPrinterOptions = {}) {
  const vp = new VirtualPrinter(options);
  const { port } = await vp.listen({ port: 0 });
  cleanups.push(() => vp.close());
  const printer = new Printer({
    transport: () => new TcpTransport({ host: '127.0.0.1', port }),
    timeouts: { status: 1000, probe: 1000, confirm: 10_000, drain: 20 },
    reconnect: { initialMs: 50, maxMs: 400 },
    pollIntervalMs: 300,
  });
  cleanups.push(() => printer.close());
  return { vp, printer };
}

function tempSpool(): { spool: Spool; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rs-bridge-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'spool.db');
  const spool = openSpool({ path: file });
  cleanups.push(() => spool.close({ timeoutMs: 2000 }));
  return { spool, file };
}

/** Resolves with the first event payload that matches; fails the test clearly after `ms`. */
function next<T>(spool: Spool, event: 'printed' | 'reprinted', match: (payload: T) => boolean, ms = 15_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      spool.off(event, listener as never);
      reject(new Error(`no matching "${event}" event within ${ms} ms`));
    }, ms);
    const listener = (payload: T) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      spool.off(event, listener as never);
      resolve(payload);
    };
    spool.on(event, listener as never);
  });
}

function receiptContaining(vp: VirtualPrinter, text: string): Receipt[] {
  return vp.journal.receipts.filter((receipt) => receipt.text.includes(text));
}

describe('ntpDocument', () => {
  it('turns NTP bytes into valid raw blocks that reset the printer, with NTP’s trailing cut as the cut block', () => {
    const printer = ntpPrinter();
    writeReceipt(printer, 'DOC-1');
    const document = validateReceipt(ntpDocument('DOC-1', printer.getBuffer(), 'front'));
    expect(document.printer).toBe('front');
    const first = document.content[0] as { raw: string };
    expect(first.raw.startsWith('1b401d610f')).toBe(true); // ESC @ then GS a: styles reset, ASB back on
    expect(document.content.at(-1)).toEqual({ cut: 'full', feed: 0 });
    const raw = document.content
      .slice(0, -1)
      .map((block) => (block as { raw: string }).raw)
      .join('');
    expect(raw.endsWith('1d5600')).toBe(false); // NTP's GS V 0 is now the document's cut
    expect(Buffer.from(raw, 'hex').toString('latin1')).toContain('Order DOC-1');
  });

  it('splits a large buffer into raw blocks within the per-block limit', () => {
    const big = Buffer.alloc(10_000, 0x41);
    const document = validateReceipt(ntpDocument('BIG-1', big));
    const raws = document.content.filter((block) => typeof block === 'object' && 'raw' in block) as { raw: string }[];
    expect(raws.length).toBe(3);
    expect(raws.reduce((sum, block) => sum + block.raw.length / 2, 0)).toBe(10_000 + 5);
    expect(document.content.at(-1)).toEqual({ cut: true });
  });

  it('derives stable ids from content when asked', () => {
    const id = contentTransactionId('shop');
    expect(id(Buffer.from('a'))).toBe(id(Buffer.from('a')));
    expect(id(Buffer.from('a'))).not.toBe(id(Buffer.from('b')));
    expect(id(Buffer.from('a'))).toMatch(/^shop-[0-9a-f]{16}$/);
  });
});

describe('spoolInterface', () => {
  it('stores the receipt durably before execute resolves, prints it confirmed, and reprints it marked', async () => {
    const { vp, printer } = await virtualPrinter();
    const { spool, file } = tempSpool();
    const ntp = ntpPrinter(spoolInterface(spool, { printer: 'front' }));
    writeReceipt(ntp, 'NTP-1');

    // No worker yet: execute's answer can only mean "committed".
    await expect(ntp.execute({ docname: 'NTP-1' })).resolves.toBe('queued');
    const other = openSpool({ path: file });
    const stored = await other.get('NTP-1');
    other.close().catch(() => {});
    expect(stored?.state).toBe('queued');
    expect(stored?.printer).toBe('front');

    const printed = next<Job>(spool, 'printed', (job) => job.transactionId === 'NTP-1');
    spool.createWorker({ printer: 'front', link: printer, statusPollMs: 200, pollMs: 100 }).start();
    expect((await printed).guarantee).toBe('printed');
    const [original] = receiptContaining(vp, 'Order NTP-1');
    expect(original?.complete).toBe(true);
    expect(original?.text).toContain('CAFE NTP');
    expect(original?.text).not.toContain('REPRINT');
    expect(original?.items.some((item) => item.kind === 'qr' && item.data === 'https://example.com/r/NTP-1')).toBe(true);

    const reprinted = next<{ job: Job }>(spool, 'reprinted', (event) => event.job.transactionId === 'NTP-1');
    await spool.reprint('NTP-1', { by: 'test', reason: 'customer copy' });
    await reprinted;
    const copies = receiptContaining(vp, 'Order NTP-1');
    expect(copies).toHaveLength(2);
    const lines = copies[1]!.text.split('\n');
    expect(lines[0]).toContain('REPRINT'); // the mark above NTP's content survived its ESC @
    expect(lines.at(-2)).toContain('REPRINT'); // and the closing mark sits above the one cut
    expect(copies[1]!.complete).toBe(true);
    expect(vp.journal.receipts.filter((receipt) => receipt.text.trim() !== '').length).toBe(2);
    expect(await spool.reprints('NTP-1')).toMatchObject([{ by: 'test', reason: 'customer copy' }]);
  });

  it('waits for the confirmation when asked, and executing the same transaction again prints once', async () => {
    const { vp, printer } = await virtualPrinter();
    const { spool } = tempSpool();
    spool.createWorker({ printer: 'default', link: printer, statusPollMs: 200, pollMs: 100 }).start();
    const iface = spoolInterface(spool, { transactionId: contentTransactionId(), waitFor: 'printed', timeoutMs: 15_000 });
    const ntp = ntpPrinter(iface);
    writeReceipt(ntp, 'NTP-2');
    await expect(ntp.execute()).resolves.toBe('printed');
    await expect(ntp.execute()).resolves.toBe('printed');
    expect(receiptContaining(vp, 'Order NTP-2')).toHaveLength(1);
    await expect(ntp.isPrinterConnected()).resolves.toBe(true);
  });

  it('after a paper-out in the middle of an NTP receipt, reprints it whole and marked once paper is loaded', async () => {
    const { vp, printer } = await virtualPrinter({ linesPerSecond: 50 });
    const { spool } = tempSpool();
    spool.createWorker({ printer: 'default', link: printer, statusPollMs: 200, pollMs: 100 }).start();
    const ntp = ntpPrinter(spoolInterface(spool, { transactionId: 'NTP-4' }));
    for (let i = 1; i <= 30; i++) ntp.println(`NTP-4 line ${i}`);
    ntp.cut();

    const attention = new Promise<string>((resolve) => spool.once('needs-attention', ({ code }) => resolve(code)));
    const reprinted = next<{ job: Job }>(spool, 'reprinted', (event) => event.job.transactionId === 'NTP-4');
    await expect(ntp.execute()).resolves.toBe('queued');
    const deadline = Date.now() + 10_000;
    while (vp.journal.current.filter((item) => item.kind === 'text').length < 5) {
      if (Date.now() > deadline) throw new Error('the receipt never started printing');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    vp.paperOut();
    expect(await attention).toBe('PAPER_END');
    vp.loadPaper();
    const { job } = await reprinted;
    expect(job).toMatchObject({ state: 'printed', marked: true, copy: 2 });

    const copies = receiptContaining(vp, 'NTP-4 line 1');
    expect(copies.map((receipt) => receipt.complete)).toEqual([false, true]);
    const lines = copies[1]!.text.split('\n');
    expect(lines[0]).toContain('REPRINT');
    expect(lines).toContain('NTP-4 line 30');
    expect(lines.at(-2)).toContain('REPRINT');
  });

  it('refuses a receipt without a transaction id', async () => {
    const { spool } = tempSpool();
    const ntp = ntpPrinter(spoolInterface(spool));
    writeReceipt(ntp, 'NTP-3');
    await expect(ntp.execute()).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(await spool.list()).toHaveLength(0);
  });
});

describe('linkInterface', () => {
  it('resolves with the printer’s confirmation', async () => {
    const { vp, printer } = await virtualPrinter();
    const ntp = ntpPrinter(linkInterface(printer));
    writeReceipt(ntp, 'LINK-1');
    await expect(ntp.execute({ docname: 'LINK-1' })).resolves.toBe('printed');
    const [receipt] = receiptContaining(vp, 'Order LINK-1');
    expect(receipt?.complete).toBe(true);
    expect(receipt?.text).toContain('Espresso');
  });

  it('reaches `processed` on a printer without GS ( H', async () => {
    const { vp, printer } = await virtualPrinter({ processId: false, model: 'XP-80' });
    const ntp = ntpPrinter(linkInterface(printer));
    writeReceipt(ntp, 'LINK-2');
    await expect(ntp.execute()).resolves.toBe('processed');
    expect(receiptContaining(vp, 'Order LINK-2')).toHaveLength(1);
  });

  it('rejects with our error code when the printer is out of paper', async () => {
    const { vp, printer } = await virtualPrinter();
    const ntp = ntpPrinter(linkInterface(printer));
    await expect(ntp.isPrinterConnected()).resolves.toBe(true);
    vp.paperOut();
    await expect(ntp.isPrinterConnected()).resolves.toBe(false);
    writeReceipt(ntp, 'LINK-3');
    await expect(ntp.execute()).rejects.toMatchObject({ code: 'PAPER_END', mayHavePrinted: false });
    expect(receiptContaining(vp, 'Order LINK-3')).toHaveLength(0);
  });
});
