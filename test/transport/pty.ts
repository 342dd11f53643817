/** A pseudo-terminal pair made by socat, standing in for a serial cable or /dev/usb/lp0. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import type { Transport } from '../../src/transport/interface.js';
import { collectReceived, type Peer, type TransportFixture } from './contract.js';
import { stopChild } from '../../src/child-process.js';

export interface PtyPair {
  /** The end the transport opens. */
  hostPath: string;
  /** The end the test (the "printer") opens. */
  printerPath: string;
  /** Kills socat: both ends vanish, like a USB-serial adapter being unplugged. */
  kill(): Promise<void>;
  cleanup(): Promise<void>;
}

/** `dir`: reuse the link paths of an earlier pair (the device "comes back" under the same name). */
export async function startPtyPair(dir = mkdtempSync(join(tmpdir(), 'receipt-spool-pty-'))): Promise<PtyPair & { dir: string }> {
  const hostPath = join(dir, 'host');
  const printerPath = join(dir, 'printer');
  const socat = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${hostPath}`, `pty,raw,echo=0,link=${printerPath}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error(`socat did not start: ${log}`)), 10_000);
    socat.stderr.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      // socat logs this once both links exist.
      if (log.includes('starting data transfer loop')) {
        clearTimeout(timer);
        resolve();
      }
    });
    socat.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot start socat (apt-get install socat): ${error.message}`));
    });
    socat.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`socat exited with ${code}: ${log}`));
    });
  });
  socat.stderr.resume();
  const kill = () => stopChild(socat).then(() => undefined);
  return {
    dir,
    hostPath,
    printerPath,
    kill,
    async cleanup() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Opens the printer's end of a pty pair as a contract `Peer`. */
export type PtyPeer = Peer & { port: SerialPort; close(): Promise<void> };

export async function openPtyPeer(pair: PtyPair): Promise<PtyPeer> {
  const port = new SerialPort({ path: pair.printerPath, baudRate: 9600, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
  port.on('error', () => {});
  const waitForBytes = collectReceived((onChunk) => port.on('data', onChunk));
  return {
    port,
    waitForBytes,
    send: (bytes) =>
      new Promise<void>((resolve, reject) => {
        port.write(Buffer.from(bytes), (e) => (e ? reject(e) : port.drain((d) => (d ? reject(d) : resolve()))));
      }),
    pauseReading: () => port.pause(),
    resumeReading: () => port.resume(),
    drop: () => pair.kill(),
    close: () => new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve())),
  };
}

/**
 * A contract fixture over a fresh pty pair: the transport made by `createTransport` opens the
 * host end; the printer's end opens on first use and stays open across reconnects, like a real printer.
 */
export async function ptyFixture(createTransport: (hostPath: string) => Transport): Promise<TransportFixture> {
  const pair = await startPtyPair();
  let peer: PtyPeer | undefined;
  return {
    transport: createTransport(pair.hostPath),
    backpressureBytes: 4 * 1024 * 1024,
    peer: async () => (peer ??= await openPtyPeer(pair)),
    cleanup: async () => {
      await peer?.close();
      await pair.cleanup();
    },
  };
}
