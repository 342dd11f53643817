/** The virtual printer's dialects (src/emulator/dialects.ts, issue 20), byte by byte. */
import { describe, expect, it } from 'vitest';
import { dialectOptions, EMULATOR_DIALECT_NAMES } from '../../src/emulator/dialects.js';
import { ascii, CLEAR, concat, CUT, hex, memoryPrinter, PROCESS_ID } from './helpers.js';

/** A 1-byte-wide, 4-row GS v 0 image whose data holds `10 04 02` and `10 05 02`. */
const IMAGE_WITH_SEQUENCES = hex('1d 76 30 00 01 00 06 00 10 04 02 10 05 02');

describe('emulator dialects', () => {
  it('answers only the DLE EOT n of its dialect', () => {
    expect(memoryPrinter(dialectOptions('clone-eot-1-4')).eot()).toBe('1212');
    expect(memoryPrinter(dialectOptions('clone-eot-2')).eot()).toBe('12');
    expect(memoryPrinter(dialectOptions('epson')).eot()).toBe('12121212');
  });

  it('TM with no drawer idles at DLE EOT 1 = 0x16', () => {
    expect(memoryPrinter(dialectOptions('tm-no-drawer')).eot()).toBe('16121212');
  });

  it('realtime-in-data: DLE EOT inside image data is answered; by default it is image data', () => {
    const executing = memoryPrinter(dialectOptions('realtime-in-data'));
    executing.send(IMAGE_WITH_SEQUENCES);
    expect(executing.replies).toEqual(['12']);
    const plain = memoryPrinter();
    plain.send(IMAGE_WITH_SEQUENCES);
    expect(plain.replies).toEqual([]);
  });

  it('realtime-in-data: a sequence split across chunks is still executed, and DLE EOT outside data only once', () => {
    const { send, replies } = memoryPrinter(dialectOptions('realtime-in-data'));
    send('1d 76 30 00 01 00 03 00 10', '04', '02 00 10 04 01');
    expect(replies).toEqual(['12', '12']);
  });

  it('zero-asb: ASB frames are four 00 bytes', () => {
    const { send, replies } = memoryPrinter(dialectOptions('zero-asb'));
    send('1d 61 0f');
    expect(replies).toEqual(['00000000']);
  });

  it('clone-eot-1-4 does not parse GS ( : the GS ( H probe prints as text and has no reply', () => {
    const { printer, send, replies } = memoryPrinter(dialectOptions('clone-eot-1-4'));
    send(concat(PROCESS_ID('0001'), ascii('\n'), CUT));
    expect(replies).toEqual([]);
    expect(printer.journal.receipts.map((r) => r.text).join('')).toContain('H');
  });

  it('DLE DC4 fn 8 clears the buffers and recovers a recoverable error once its cause is gone (Epson TM-U590, TM-L90)', () => {
    const { printer, send, replies } = memoryPrinter({ coverOpenRecovery: 'recoverable', linesPerSecond: 10 });
    send(ascii('line 1\nline 2\nline 3\n'));
    printer.openCover();
    printer.closeCover();
    expect(printer.state).toMatchObject({ recoverableError: true, online: false });
    send(CLEAR);
    expect(replies.at(-1)).toBe('372500');
    expect(printer.state).toMatchObject({ recoverableError: false, online: true, bufferedBytes: 0 });
  });

  it('every dialect name resolves; an unknown one is a clear error', () => {
    for (const name of EMULATOR_DIALECT_NAMES) expect(dialectOptions(name)).toBeTypeOf('object');
    expect(() => dialectOptions('nope')).toThrow(/unknown emulator dialect "nope"; use one of/);
  });
});

describe('GS ( H fn 48 process IDs', () => {
  it('echoes IDs of 0x20–0x7E and ignores others (Epson gs_lparen_ch_fn48)', () => {
    const { send, replies } = memoryPrinter();
    send(PROCESS_ID(' ~0a'));
    send(concat(hex('1d 28 48 06 00 30 30'), Uint8Array.of(0x41, 0x0a, 0x80, 0x41)));
    expect(replies).toEqual(['3722207e306100']);
  });
});

describe('GS I n = 33 (printer information A)', () => {
  it('says autocutter fitted as GS I 2 does, in the 3D 21 d1 d2 00 block', () => {
    const cutter = memoryPrinter();
    cutter.send('1d 49 21');
    expect(cutter.replies).toEqual(['3d21424000']);
    const noCutter = memoryPrinter({ typeId: 0x00 });
    noCutter.send('1d 49 21');
    expect(noCutter.replies).toEqual(['3d21404000']);
  });
});
