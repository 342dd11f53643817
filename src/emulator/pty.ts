/**
 * Serial link over a pseudo-terminal pair made by socat:
 *   socat pty,raw,echo=0,link=<dir>/ttyV0 pty,raw,echo=0,link=<dir>/ttyV0-emu
 * The host opens `<dir>/ttyV0` (e.g. with serialport, `lock: false`); the emulator opens the
 * other end with serialport too. With `xonxoff` the printer sends XOFF when 16 bytes or less
 * are free and XON at 26 (TM-T88), and ignores data that does not fit; otherwise it simply
 * stops reading, which backs data up in the pty like hardware flow control.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SerialPort } from 'serialport';
import { childStarted, stopChild } from '../child-process.js';
import { MissingProgramError } from '../errors.js';
import type { PrinterModel } from './printer-model.js';

export interface PtyLinkOptions {
  flowControl: 'none' | 'xonxoff';
}

const SOCAT_HINT =
  'the pseudo-terminal (serial) link of the virtual printer needs it; install it with `apt-get install socat` (Debian/Ubuntu) or `brew install socat` (macOS), or use the TCP link alone';

const XON = 0x11;
const XOFF = 0x13;
const XOFF_AT_FREE = 16;
const XON_AT_FREE = 26;

export class PtyLink {
  private socat: ChildProcess | undefined;
  private port: SerialPort | undefined;
  private dir: string | undefined;
  private xoffSent = false;

  constructor(
    private readonly model: PrinterModel,
    private readonly options: PtyLinkOptions,
  ) {}

  /** Start socat and open the emulator's end; resolves with the path the host opens. */
  async open(): Promise<string> {
    this.dir = await mkdtemp(path.join(tmpdir(), 'receipt-spool-pty-'));
    const hostPath = path.join(this.dir, 'ttyV0');
    const emulatorPath = path.join(this.dir, 'ttyV0-emu');
    const socat = spawn('socat', [`pty,raw,echo=0,link=${hostPath}`, `pty,raw,echo=0,link=${emulatorPath}`], {
      stdio: 'ignore',
    });
    let spawnError: NodeJS.ErrnoException | undefined;
    socat.on('error', (error) => (spawnError ??= error));
    this.socat = socat;
    if (!(await childStarted(socat))) {
      if (spawnError?.code === 'ENOENT') throw new MissingProgramError('socat', SOCAT_HINT, { cause: spawnError });
      throw new Error(`cannot start socat for the pseudo-terminal: ${spawnError?.message ?? 'unknown error'}`, { cause: spawnError });
    }
    await waitForPaths([hostPath, emulatorPath], socat);
    // serialport is native: loaded when a pty emulator starts, not when the package is imported.
    const { SerialPort: SerialPortClass } = await import('serialport');
    const port = new SerialPortClass({ path: emulatorPath, baudRate: 38400, lock: false, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
    this.port = port;
    port.on('error', () => undefined);
    port.on('data', (chunk: Buffer) => this.onData(chunk));
    this.model.on('reply', (bytes) => this.send(bytes));
    this.model.on('flow', () => this.onFlow());
    this.model.on('power', (on) => {
      if (on) {
        if (this.options.flowControl === 'xonxoff') this.send(Uint8Array.of(XON));
        this.xoffSent = false;
        this.onFlow();
      }
    });
    return hostPath;
  }

  send(bytes: Uint8Array): void {
    if (this.port?.isOpen) this.port.write(Buffer.from(bytes));
  }

  async close(): Promise<void> {
    const port = this.port;
    this.port = undefined;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    const socat = this.socat;
    this.socat = undefined;
    if (socat) await stopChild(socat);
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }

  private onData(chunk: Buffer): void {
    const port = this.port!;
    const { powered, hung } = this.model.snapshot();
    if (powered && !hung && this.options.flowControl === 'xonxoff') {
      // The printer ignores what does not fit; the host should have stopped at XOFF.
      this.model.receive(chunk);
      this.onFlow();
      return;
    }
    const accepted = this.model.acceptsData || !powered ? this.model.receive(chunk) : 0;
    if (accepted < chunk.length) {
      port.pause();
      port.unshift(chunk.subarray(accepted));
      this.onFlow(); // room may have come back while the chunk was taken
    }
  }

  private onFlow(): void {
    const port = this.port;
    if (!port) return;
    if (this.options.flowControl === 'xonxoff') {
      const free = this.model.freeBytes;
      if (!this.xoffSent && free <= XOFF_AT_FREE) {
        this.xoffSent = true;
        this.send(Uint8Array.of(XOFF));
      } else if (this.xoffSent && free >= XON_AT_FREE) {
        this.xoffSent = false;
        this.send(Uint8Array.of(XON));
      }
    }
    const { powered, hung } = this.model.snapshot();
    const readable = this.options.flowControl === 'xonxoff' ? !hung : this.model.acceptsData || !powered;
    if (port.isPaused() && readable) port.resume();
  }
}

async function waitForPaths(paths: string[], child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`socat exited (code ${child.exitCode}) before creating the pseudo-terminals`);
    }
    const present = await Promise.all(
      paths.map((p) =>
        stat(p).then(
          () => true,
          () => false,
        ),
      ),
    );
    if (present.every(Boolean)) return;
    if (Date.now() > deadline) throw new Error('socat did not create the pseudo-terminals in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
