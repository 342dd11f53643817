/**
 * node-thermal-printer (4.6) bridge. NTP accepts any object with `execute(buffer, options)`,
 * `isPrinterConnected()` and `getPrinterName()` as its `interface` (lib/interfaces/index.js
 * passes objects through), so an NTP program gains the spool's guarantees by changing one line:
 *
 *   new ThermalPrinter({ type: PrinterTypes.EPSON, interface: spoolInterface(spool) as never })
 *
 * (`as never` because NTP's .d.ts types `interface` as a string although it accepts objects.)
 * The transaction id comes from `printer.execute({ docname: 'TXN-123' })` or the options here.
 * NTP must be set to an ESC/POS type (EPSON): its bytes are sent unchanged.
 */
import { createHash } from 'node:crypto';
import { ConfirmTimeoutError, InvalidArgumentError } from '../errors.js';
import type { Block, CutBlock, ReceiptDocument } from '../document/types.js';
import { LIMITS } from '../document/limits.js';
import { ASB_MASK } from '../printer/requests.js';
import type { Guarantee, PrinterLink, PrintOptions } from '../printer/types.js';
import { DEFAULT_PRINTER, type Spool } from '../spool/spool.js';
import type { Job } from '../spool/types.js';

/** The options NTP passes to `execute` (its own `printer.execute(options)`). */
export interface NtpExecuteOptions {
  /** Used as the transaction id when given. */
  docname?: string;
  /** NTP's way of reading a status reply from the print buffer; not supported (use `Printer.status()`). */
  waitForResponse?: boolean;
}

/** The custom-interface shape of node-thermal-printer 4.6 (lib/interfaces/interface.js). */
export interface NtpInterface {
  getPrinterName(): string;
  isPrinterConnected(): Promise<boolean>;
  /** Resolves with what was reached: `queued` (durably in the spool) or a `Guarantee`. */
  execute(buffer: Uint8Array | null | undefined, options?: NtpExecuteOptions): Promise<Guarantee | 'queued'>;
}

export interface SpoolInterfaceOptions {
  /**
   * The receipt's transaction id when `execute` gets no `docname`: a string, or a function of the
   * bytes (e.g. `contentTransactionId()`). Submitting the same id twice prints once.
   */
  transactionId?: string | ((bytes: Uint8Array) => string);
  /** Logical printer the receipt is queued for (default `default`). */
  printer?: string;
  /**
   * `queued` (default): `execute` resolves once the receipt is durably in the spool (the worker
   * prints it, retries it and reprints it marked if needed). `printed`: it also waits for the
   * worker's confirmation and resolves with the guarantee reached.
   */
  waitFor?: 'queued' | 'printed';
  /** With `waitFor: 'printed'`: how long to wait before rejecting with `CONFIRM_TIMEOUT` (default 60000). */
  timeoutMs?: number;
}

export interface LinkInterfaceOptions {
  /** Returned by `getPrinterName()` (default `receipt-spool`). */
  name?: string;
  /** Wait for the printer's confirmation this long after the last byte (default the printer's). */
  confirmTimeoutMs?: number;
  /** Accept `sent` on printers that cannot answer (default false: such printers reject with `ONE_WAY`). */
  allowUnconfirmed?: boolean;
}

const ESC_AT = Uint8Array.of(0x1b, 0x40);

/**
 * A transaction id derived from the bytes (`ntp-` + 16 hex digits of their SHA-256): executing
 * the same buffer again (a retry after an exception) prints once. Only safe when every receipt's
 * content is unique (it carries a transaction number or a time).
 */
export function contentTransactionId(prefix = 'ntp'): (bytes: Uint8Array) => string {
  return (bytes) => `${prefix}-${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}`;
}

/**
 * The receipt document the spool stores for NTP bytes: UNSAFE `raw` blocks (at most
 * `LIMITS.maxRawBytes` each) and a final cut block.
 *
 * A reprint mark is printed by our encoder before and after the content, so the bytes are made
 * self-contained: they start with ESC @ (NTP's styles then start from the printer's defaults,
 * whatever the mark left set; ESC @ only drops an unfinished line, and the mark's lines are
 * finished) followed by GS a (ESC @ turns automatic status back off, and a paper-out during the
 * content must still be reported at once). NTP's trailing cut (`GS V` and its ESC @) becomes the
 * document's cut block, so the closing mark lands above the cut instead of on a scrap of its own.
 */
export function ntpDocument(transactionId: string, bytes: Uint8Array, printer: string = DEFAULT_PRINTER): ReceiptDocument {
  const { body, cut } = splitTrailingCut(bytes);
  const prefix = startsWith(body, ESC_AT) ? body.subarray(2) : body;
  const content = concat([ESC_AT, Uint8Array.of(0x1d, 0x61, ASB_MASK), prefix]);
  const blocks: Block[] = [];
  for (let at = 0; at < content.length; at += LIMITS.maxRawBytes) {
    blocks.push({ raw: Buffer.from(content.subarray(at, at + LIMITS.maxRawBytes)).toString('hex'), unsafe: true });
  }
  blocks.push(cut);
  return { transactionId, printer, content: blocks };
}

/** Routes NTP's `execute()` through the spool: durable, idempotent per transaction, confirmed, reprintable. */
export function spoolInterface(spool: Spool, options: SpoolInterfaceOptions = {}): NtpInterface {
  const printer = options.printer ?? DEFAULT_PRINTER;
  return {
    getPrinterName: () => printer,
    isPrinterConnected: async () => (await spool.health(printer)).ready,
    async execute(buffer, executeOptions = {}) {
      const bytes = requireBytes(buffer, executeOptions);
      const transactionId = executeOptions.docname ?? resolveId(options.transactionId, bytes);
      const document = ntpDocument(transactionId, bytes, printer);
      if (options.waitFor !== 'printed') {
        await spool.submit(document);
        return 'queued';
      }
      const outcome = watchOutcome(spool, transactionId, options.timeoutMs ?? 60_000);
      try {
        const { job } = await spool.submit(document);
        if (job.state === 'printed') outcome.settle(job);
      } catch (error) {
        outcome.cancel();
        throw error;
      }
      return outcome.promise;
    },
  };
}

/** Sends NTP's bytes through our printer link and resolves only once the printer confirmed them. */
export function linkInterface(link: PrinterLink, options: LinkInterfaceOptions = {}): NtpInterface {
  return {
    getPrinterName: () => options.name ?? 'receipt-spool',
    async isPrinterConnected() {
      try {
        if (!link.connected) await link.connect();
        const status = await link.status();
        return status.online && !status.paperEnd && !status.coverOpen;
      } catch {
        return false;
      }
    },
    async execute(buffer, executeOptions = {}) {
      const bytes = requireBytes(buffer, executeOptions);
      if (!link.connected) await link.connect();
      const printOptions: PrintOptions = { allowUnconfirmed: options.allowUnconfirmed ?? false };
      if (executeOptions.docname !== undefined) printOptions.jobId = executeOptions.docname;
      if (options.confirmTimeoutMs !== undefined) printOptions.confirmTimeoutMs = options.confirmTimeoutMs;
      const job = startsWith(bytes, ESC_AT) ? bytes : concat([ESC_AT, bytes]);
      return (await link.print(job, printOptions)).guarantee;
    },
  };
}

// ---------------------------------------------------------------- helpers

function requireBytes(buffer: Uint8Array | null | undefined, options: NtpExecuteOptions): Uint8Array {
  if (options.waitForResponse) {
    throw new InvalidArgumentError('waitForResponse is not supported: ask the printer with Printer.status() instead');
  }
  if (!buffer || buffer.length === 0) throw new InvalidArgumentError('nothing to print: the node-thermal-printer buffer is empty');
  return buffer;
}

function resolveId(source: SpoolInterfaceOptions['transactionId'], bytes: Uint8Array): string {
  if (typeof source === 'string') return source;
  if (typeof source === 'function') return source(bytes);
  throw new InvalidArgumentError('no transaction id: call printer.execute({ docname: "TXN-…" }) or pass spoolInterface(spool, { transactionId })');
}

/** Resolves with the guarantee when the transaction's original job prints; rejects when it fails or the wait times out. */
function watchOutcome(spool: Spool, transactionId: string, timeoutMs: number) {
  let settle!: (job: Job) => void;
  let cancel!: () => void;
  const promise = new Promise<Guarantee>((resolve, reject) => {
    const ours = (job: Job) => job.transactionId === transactionId && job.kind === 'original';
    const onPrinted = (job: Job) => {
      if (ours(job)) settle(job);
    };
    const onFailed = ({ job, error }: { job: Job; error: Error }) => {
      if (!ours(job)) return;
      cancel();
      reject(error);
    };
    const timer = setTimeout(() => {
      cancel();
      void spool.get(transactionId).then((job) => {
        const message = `${transactionId} was not printed within ${timeoutMs} ms; it stays in the spool (${job?.state ?? 'unknown'}) and prints when the printer is ready`;
        reject(new ConfirmTimeoutError(message, { transactionId, mayHavePrinted: true }));
      }, reject);
    }, timeoutMs);
    cancel = () => {
      clearTimeout(timer);
      spool.off('printed', onPrinted);
      spool.off('failed', onFailed);
    };
    settle = (job) => {
      cancel();
      resolve(job.guarantee ?? 'printed');
    };
    spool.on('printed', onPrinted);
    spool.on('failed', onFailed);
  });
  return { promise, settle: (job: Job) => settle(job), cancel: () => cancel() };
}

/** NTP ends `cut()`/`partialCut()` with `GS V m` then ESC @; anything else has no trailing cut. */
function splitTrailingCut(bytes: Uint8Array): { body: Uint8Array; cut: CutBlock } {
  let end = bytes.length;
  if (end >= 2 && bytes[end - 2] === 0x1b && bytes[end - 1] === 0x40) end -= 2;
  const tail = (n: number) => (end >= n ? bytes.subarray(end - n, end) : undefined);
  const short = tail(3);
  if (short && short[0] === 0x1d && short[1] === 0x56 && [0, 1, 48, 49].includes(short[2]!)) {
    return { body: bytes.subarray(0, end - 3), cut: { cut: short[2]! % 2 === 1 ? 'partial' : 'full', feed: 0 } };
  }
  const long = tail(4);
  if (long && long[0] === 0x1d && long[1] === 0x56 && (long[2] === 65 || long[2] === 66)) {
    return { body: bytes.subarray(0, end - 4), cut: { cut: long[2] === 66 ? 'partial' : 'full', feed: 0 } };
  }
  return { body: bytes, cut: { cut: true } };
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  return bytes.length >= prefix.length && prefix.every((byte, i) => bytes[i] === byte);
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(chunks));
}
