/**
 * A command larger than the receive buffer (a 30 KB GS v 0 raster image against the default
 * 4 KB): its bytes leave the receive buffer as they are processed, as on a TM printer, so the
 * buffer bounds unprocessed bytes and the image prints — in memory, over raw TCP, and through
 * the library's Printer.
 */
import net from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualPrinter, type VirtualPrinterOptions } from '../../src/emulator/virtual-printer.js';
import { Printer } from '../../src/printer/printer.js';
import { TcpTransport } from '../../src/transport/tcp.js';
import { ascii, concat, CUT, hex, memoryPrinter, PROCESS_ID, toHex } from './helpers.js';

const WIDTH_DOTS = 576;
const HEIGHT_DOTS = 417;

/** GS v 0: 576 × 417 dots = 30,024 bytes of raster data in one command. */
function rasterImage(): Uint8Array {
  const widthBytes = WIDTH_DOTS / 8;
  const header = Uint8Array.of(0x1d, 0x76, 0x30, 0x00, widthBytes, 0, HEIGHT_DOTS & 0xff, HEIGHT_DOTS >> 8);
  // 0x10 0x04 0x01 (DLE EOT 1) inside the image data is data, not a real-time command.
  const data = new Uint8Array(widthBytes * HEIGHT_DOTS).map((_, i) => [0x10, 0x04, 0x01, 0xaa][i % 4]!);
  return concat(header, data);
}

const textLines = (count: number) => ascii(Array.from({ length: count }, (_, i) => `line ${i + 1}\n`).join(''));
const imageItems = (printer: VirtualPrinter) => printer.journal.receipts.flatMap((receipt) => receipt.items).filter((item) => item.kind === 'image');

/** Records the fullest the receive buffer got (checked after every receive and processing step). */
function watchBuffer(printer: VirtualPrinter) {
  let most = 0;
  printer.model.on('flow', () => (most = Math.max(most, printer.state.bufferedBytes)));
  return () => most;
}

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('a command larger than the receive buffer', () => {
  it('streams through the default 4 KB buffer and prints; the GS ( H after it is answered', () => {
    const { printer, clock, replies, send } = memoryPrinter({ linesPerSecond: 20 });
    expect(printer.model.capacity).toBe(4096);
    const mostBuffered = watchBuffer(printer);
    send(hex('1b 40'), rasterImage(), PROCESS_ID('IMG1'), CUT);
    expect(replies).toEqual([]); // neither printed yet nor a real-time reply from the image data
    clock.advance(5_000);
    expect(replies).toEqual([toHex(concat(hex('37 22'), ascii('IMG1'), hex('00')))]);
    expect(imageItems(printer)).toEqual([{ kind: 'image', width: WIDTH_DOTS, height: HEIGHT_DOTS, source: 'raster' }]);
    expect(printer.journal.receipts[0]?.complete).toBe(true);
    expect(mostBuffered()).toBeLessThanOrEqual(4096);
  });

  it('while offline the image data fills the buffer and waits; it goes on when the cover closes', () => {
    const { printer, clock, replies } = memoryPrinter();
    printer.openCover();
    const bytes = concat(rasterImage(), PROCESS_ID('IMG2'), CUT);
    let taken = printer.receive(bytes);
    expect(taken).toBe(4096);
    expect(printer.receive(bytes.subarray(taken))).toBe(0);
    expect(printer.state).toMatchObject({ bufferedBytes: 4096, freeBytes: 0 });
    expect(printer.model.acceptsData).toBe(false);

    printer.closeCover();
    expect(printer.state.freeBytes).toBe(4096); // the buffered part was processed into the image
    for (let chunk = 1; taken < bytes.length && chunk > 0; taken += chunk) chunk = printer.receive(bytes.subarray(taken));
    expect(taken).toBe(bytes.length);
    clock.advance(1_000);
    expect(replies.at(-1)).toBe(toHex(concat(hex('37 22'), ascii('IMG2'), hex('00'))));
    expect(imageItems(printer)).toEqual([{ kind: 'image', width: WIDTH_DOTS, height: HEIGHT_DOTS, source: 'raster' }]);
  });

  it('over TCP with a slow print rate: printed, GS ( H answered, buffer never over 4 KB', async () => {
    const printer = new VirtualPrinter({ linesPerSecond: 100 });
    cleanups.push(() => printer.close());
    const { port } = await printer.listen();
    const mostBuffered = watchBuffer(printer);
    const socket = net.connect(port, '127.0.0.1');
    cleanups.push(() => {
      socket.destroy();
    });
    await once(socket, 'connect');
    let received = '';
    const answered = new Promise<void>((resolve) => {
      socket.on('data', (chunk: Buffer) => {
        received += chunk.toString('hex');
        if (received.includes(toHex(concat(hex('37 22'), ascii('TCP1'), hex('00'))))) resolve();
      });
    });
    // Text ahead fills the print buffer, so the image arrives while the printer is still busy.
    socket.write(concat(hex('1b 40'), textLines(20), rasterImage(), PROCESS_ID('TCP1'), CUT));
    await answered;
    expect(await printer.whenIdle()).toBe(true); // the cut after the GS ( H ends the receipt
    expect(imageItems(printer)).toEqual([{ kind: 'image', width: WIDTH_DOTS, height: HEIGHT_DOTS, source: 'raster' }]);
    expect(printer.journal.receipts[0]).toMatchObject({ complete: true });
    expect(mostBuffered()).toBeLessThanOrEqual(4096);
  });

  it('through the Printer link over TCP: printed', async () => {
    const options: VirtualPrinterOptions = { linesPerSecond: 100 };
    const vp = new VirtualPrinter(options);
    cleanups.push(() => vp.close());
    const { port } = await vp.listen();
    const printer = new Printer({ transport: () => new TcpTransport({ host: '127.0.0.1', port }), pollIntervalMs: 0 });
    cleanups.push(() => printer.close());
    await printer.connect();
    const result = await printer.print(concat(hex('1b 40'), textLines(5), rasterImage(), CUT), {
      jobId: 'LOGO-1',
      confirmTimeoutMs: 20_000,
    });
    expect(result.guarantee).toBe('printed');
    expect(imageItems(vp)).toEqual([{ kind: 'image', width: WIDTH_DOTS, height: HEIGHT_DOTS, source: 'raster' }]);
    expect(vp.journal.receipts.at(-1)).toMatchObject({ complete: true });
  });
});
