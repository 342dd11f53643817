/**
 * The Printer against the virtual printer through the device-file transport, on the host end
 * of a real pseudo-terminal (as `/dev/usb/lp0` or a tty would be opened): replies are read back
 * from the same file. The shared scenarios are all this link has; they live in emulator-suite.ts.
 */
import { FileTransport } from '../../src/transport/file.js';
import { describe } from 'vitest';
import { socat } from '../support/requirements.js';
import { emulatorStarter, testPrinterOverLink } from './emulator-suite.js';

const start = emulatorStarter(async (vp) => {
  const { ptyPath } = await vp.listen({ port: 0, pty: true });
  return () => new FileTransport({ path: ptyPath! });
}, 50);

describe.skipIf(!socat.available)('the file transport on a pty (socat)', () => {
  testPrinterOverLink('the file transport on a pty', { start });
});
