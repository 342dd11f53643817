import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DeviceNotFoundError, DisconnectedError } from '../../src/errors.js';
import { FileTransport, nodeFileIo, type FileIo } from '../../src/transport/file.js';
import { testTransport } from './contract.js';
import { ptyFixture } from './pty.js';
import { socat } from '../support/requirements.js';

describe.skipIf(!socat.available)('file transport over a pty', () => {
  testTransport('file (pty)', () => ptyFixture((path) => new FileTransport({ path, presenceCheckMs: 100 })));
});

describe('FileTransport', () => {
  const dirs: string[] = [];
  const transports: FileTransport[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'receipt-spool-file-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(async () => {
    for (const transport of transports.splice(0)) await transport.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('a missing device is DeviceNotFoundError and no file is created', async () => {
    const path = join(tempDir(), 'lp0');
    const transport = new FileTransport({ path });
    const error = await transport.open().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeviceNotFoundError);
    expect((error as Error).message).toContain('not creating it');
    await expect(transport.write(Uint8Array.of(1))).rejects.toBeInstanceOf(DisconnectedError);
    expect(existsSync(path)).toBe(false);
  });

  it('appends to an existing regular file and reports the link as one-way', async () => {
    const path = join(tempDir(), 'capture.bin');
    writeFileSync(path, Uint8Array.of(0xaa));
    const transport = new FileTransport({ path });
    transports.push(transport);
    await transport.open();
    expect(transport.bidirectional).toBe(false);
    await transport.write(Uint8Array.of(0x1b, 0x40));
    expect([...readFileSync(path)]).toEqual([0xaa, 0x1b, 0x40]);
  });

  it('finishes partial and would-block writes (a device that takes 3 bytes per call)', async () => {
    const written: number[] = [];
    let calls = 0;
    const io: FileIo = {
      ...nodeFileIo,
      open: async () => 42,
      fstat: async () => ({ isFile: () => false }),
      read: async () => Promise.reject(Object.assign(new Error('again'), { code: 'EAGAIN' })),
      write: async (_fd, bytes) => {
        calls++;
        if (calls % 2 === 0) throw Object.assign(new Error('would block'), { code: 'EAGAIN' });
        const taken = bytes.subarray(0, 3);
        written.push(...taken);
        return taken.length;
      },
      close: async () => {},
      exists: async () => true,
    };
    const transport = new FileTransport({ path: '/dev/usb/lp9', io, pollMs: 1 });
    transports.push(transport);
    await transport.open();
    const payload = Uint8Array.from({ length: 20 }, (_, i) => i + 1);
    await transport.write(payload);
    expect(written).toEqual([...payload]);
    expect(calls).toBeGreaterThan(7);
  });

  it('a write error from the device (ENODEV: unplugged) rejects and closes with DisconnectedError', async () => {
    const io: FileIo = {
      ...nodeFileIo,
      open: async () => 7,
      fstat: async () => ({ isFile: () => false }),
      read: async () => Promise.reject(Object.assign(new Error('again'), { code: 'EAGAIN' })),
      write: async () => Promise.reject(Object.assign(new Error('No such device'), { code: 'ENODEV' })),
      close: async () => {},
      exists: async () => true,
    };
    const transport = new FileTransport({ path: '/dev/usb/lp9', io });
    transports.push(transport);
    await transport.open();
    const closed = new Promise<Error | undefined>((resolve) => transport.onClose(resolve));
    await expect(transport.write(Uint8Array.of(1))).rejects.toBeInstanceOf(DisconnectedError);
    expect(await closed).toBeInstanceOf(DisconnectedError);
    expect(transport.isOpen).toBe(false);
  });

  it('close() waits for usblp to finish the last transfer: the end of the job (the cut) is not lost', async () => {
    // usblp with O_NONBLOCK (drivers/usb/class/usblp.c): write() submits one transfer and returns
    // its length at once; a write while it is in flight, zero-size included, is EAGAIN; release()
    // kills the transfer still in flight.
    const printed: number[] = [];
    let inFlight: Uint8Array | undefined;
    let transferTimer: ReturnType<typeof setTimeout> | undefined;
    const io: FileIo = {
      ...nodeFileIo,
      open: async () => 9,
      fstat: async () => ({ isFile: () => false }),
      read: async () => Promise.reject(Object.assign(new Error('again'), { code: 'EAGAIN' })),
      write: async (_fd, bytes) => {
        if (inFlight !== undefined) throw Object.assign(new Error('would block'), { code: 'EAGAIN' });
        if (bytes.length === 0) return 0;
        const taken = bytes.subarray(0, 4096);
        inFlight = new Uint8Array(taken);
        // The printer takes a transfer in 5 ms.
        transferTimer = setTimeout(() => {
          printed.push(...inFlight!);
          inFlight = undefined;
        }, 5);
        return taken.length;
      },
      close: async () => {
        clearTimeout(transferTimer);
        inFlight = undefined;
      },
      exists: async () => true,
    };
    const transport = new FileTransport({ path: '/dev/usb/lp0', io, pollMs: 1 });
    await transport.open();
    const job = Uint8Array.from({ length: 10_000 }, (_, i) => i & 0xff);
    await transport.write(job);
    await transport.close();
    expect(printed.length).toBe(job.length);
    expect(Buffer.from(printed).equals(job)).toBe(true);
  });
});
