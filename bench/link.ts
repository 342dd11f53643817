/**
 * Part 5 — link utilisation: receipts queued back to back, printed by a worker through the
 * VirtualPrinter at a realistic print rate, over TCP and over the pseudo-terminal. Utilisation =
 * (job bytes / print rate) / wall time from the first job byte to the last confirmation.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { VirtualPrinter } from '../src/emulator/index.js';
import { Printer } from '../src/printer/printer.js';
import { openSpool } from '../src/spool/spool.js';
import type { Transport } from '../src/transport/interface.js';
import { SerialTransport } from '../src/transport/serial.js';
import { TcpTransport } from '../src/transport/tcp.js';
import { encode } from '../src/escpos/encoder.js';
import { fixture } from './encoding.js';
import { runIfMain } from './lib/cli.js';
import { absoluteNow, type BenchOptions } from './lib/measure.js';
import { absolute, type Figure, type PartResult } from './lib/results.js';

const cafe = fixture('receipt-cafe.json');

const isRealtimeQuery = (bytes: Uint8Array): boolean => bytes.length === 3 && bytes[0] === 0x10 && bytes[1] === 0x04;

interface LinkRun {
  wallMs: number;
  jobBytes: number;
  idealMs: number;
}

async function runLink(printer: VirtualPrinter, transport: () => Transport, dbPath: string, count: number, rate: number): Promise<LinkRun> {
  const spool = openSpool({ path: dbPath });
  for (let i = 0; i < count; i++) await spool.submit({ ...cafe, printer: 'default', transactionId: `LINK-${i}` });
  let first: number | undefined;
  let jobBytes = 0;
  const onData = (bytes: Uint8Array): void => {
    if (first === undefined) {
      if (!bytes.some((b, i) => b === 0x1b && bytes[i + 1] === 0x40)) return;
      first = absoluteNow();
    }
    if (!isRealtimeQuery(bytes)) jobBytes += bytes.length;
  };
  printer.on('data', onData);
  let printed = 0;
  let last = 0;
  const done = new Promise<void>((resolve) =>
    spool.on('printed', () => {
      last = absoluteNow();
      if (++printed === count) resolve();
    }),
  );
  const link = new Printer({ transport, pollIntervalMs: 0 });
  spool.createWorker({ printer: 'default', link, profile: 'epson-tm-t88', statusPollMs: 60_000 }).start();
  await done;
  printer.off('data', onData);
  await spool.close();
  await link.close();
  const wallMs = last - first!;
  return { wallMs, jobBytes, idealMs: (jobBytes / rate) * 1000 };
}

/**
 * The emulator's own floor: the same receipts written raw over one TCP socket with no status
 * query and no confirmation, timed from the first byte to the last cut. The emulator prints line
 * by line on timers, which adds its own overhead to bytes / rate; this shows how much.
 */
async function rawFloor(rate: number, count: number): Promise<LinkRun> {
  const printer = new VirtualPrinter({ bytesPerSecond: rate });
  try {
    const { port } = await printer.listen();
    const jobs = Array.from({ length: count }, (_, i) => encode({ ...cafe, transactionId: `RAW-${i}` }, 'epson-tm-t88', { ensureCut: true }).bytes);
    const payload = Buffer.concat(jobs);
    let first: number | undefined;
    printer.on('data', () => (first ??= absoluteNow()));
    let cuts = 0;
    const done = new Promise<number>((resolve) =>
      printer.on('receipt', () => {
        if (++cuts === count) resolve(absoluteNow());
      }),
    );
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.write(payload);
    const last = await done;
    socket.destroy();
    return { wallMs: last - first!, jobBytes: payload.length, idealMs: (payload.length / rate) * 1000 };
  } finally {
    await printer.close();
  }
}

export async function linkPart(options: BenchOptions): Promise<PartResult> {
  const count = options.smoke ? 3 : 50;
  const rate = options.smoke ? 200_000 : 10_000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'receipt-spool-bench-link-'));
  const figures: Figure[] = [];
  const notes = [
    `${count} café receipts queued first, then one worker prints them; VirtualPrinter print rate ${rate} bytes/s, 4 KB receive buffer`,
    'wall = first job byte at the printer → last job confirmed; ideal = job bytes (incl. GS a / GS ( H framing, excl. DLE EOT queries) / print rate',
  ];
  try {
    const floor = await rawFloor(rate, count);
    figures.push(
      absolute({
        name: 'emulator floor (raw TCP, no confirmation)',
        unit: '%',
        ours: (100 * floor.idealMs) / floor.wallMs,
        others: { 'wall ms': floor.wallMs, 'ideal ms': floor.idealMs, 'job bytes': floor.jobBytes },
        better: 'higher',
      }),
    );
    for (const kind of ['tcp', 'pty'] as const) {
      const printer = new VirtualPrinter({ bytesPerSecond: rate });
      try {
        const listening = await printer.listen({ pty: kind === 'pty' });
        const transport =
          kind === 'tcp'
            ? () => new TcpTransport({ host: '127.0.0.1', port: listening.port })
            : () => new SerialTransport({ path: listening.ptyPath!, baudRate: 115200, lock: false, presenceCheckMs: 0 });
        const run = await runLink(printer, transport, path.join(dir, `${kind}.db`), count, rate);
        figures.push(
          absolute(
            {
              name: `${kind} utilisation`,
              unit: '%',
              ours: (100 * run.idealMs) / run.wallMs,
              others: {
                'wall ms': run.wallMs,
                'ideal ms': run.idealMs,
                'job bytes': run.jobBytes,
                'vs emulator floor %': (100 * floor.wallMs * (run.jobBytes / floor.jobBytes)) / run.wallMs,
              },
              better: 'higher',
              goal: '≥95%',
            },
            95,
          ),
        );
      } catch (error) {
        notes.push(`${kind}: could not run: ${(error as Error).message}`);
      } finally {
        await printer.close();
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { part: 'link', title: '5. Link utilisation (back-to-back receipts at a real print rate)', figures, notes };
}

runIfMain(import.meta.url, 'link', linkPart);
