import { describe, expect, it } from 'vitest';
import { ascii, concat, hex, memoryPrinter, PROCESS_ID } from './helpers.js';

// Reference escpos-status.md §1.2 "Typical replies for an emulator" (DLE EOT 1–4, ASB bytes 1–4).
describe('DLE EOT replies and ASB frames per state', () => {
  const table: { state: string; apply: (p: ReturnType<typeof memoryPrinter>['printer']) => void; eot: string; asb: string }[] = [
    { state: 'idle, pin 3 low', apply: () => undefined, eot: '12121212', asb: '10000000' },
    { state: 'idle, pin 3 high', apply: (p) => p.setDrawerPin(true), eot: '16121212', asb: '14000000' },
    { state: 'cover open, idle', apply: (p) => p.openCover(), eot: '1a161212', asb: '38000000' },
    { state: 'paper near end only', apply: (p) => p.paperNearEnd(), eot: '1212121e', asb: '10000300' },
    { state: 'paper end, stopped', apply: (p) => p.paperOut(), eot: '1a32127e', asb: '18000f00' },
    { state: 'autocutter error', apply: (p) => p.jamCutter(), eot: '1a521a12', asb: '18080000' },
    { state: 'head overheat', apply: (p) => p.overheat(1000), eot: '1a525212', asb: '18400000' },
    { state: 'unrecoverable error', apply: (p) => p.unrecoverable(), eot: '1a523212', asb: '18200000' },
  ];

  for (const row of table) {
    it(`${row.state}: DLE EOT 1-4 = ${row.eot}, ASB = ${row.asb}`, () => {
      const { printer, replies, send, eot } = memoryPrinter();
      send('1d 61 ff'); // GS a: the current frame at once, then one per change
      row.apply(printer);
      expect(replies.splice(0).at(-1)).toBe(row.asb);
      expect(eot()).toBe(row.eot);
    });
  }

  it('every DLE EOT reply has the fixed bits 0xx1xx10', () => {
    const { printer, eot } = memoryPrinter();
    printer.openCover();
    printer.paperOut();
    printer.jamCutter();
    printer.setDrawerPin(true);
    const bytes = Buffer.from(eot(), 'hex');
    expect(bytes).toHaveLength(4);
    for (const byte of bytes) expect(byte & 0x93).toBe(0x12);
  });

  it('answers DLE EOT at once while offline with print data waiting', () => {
    const { printer, replies, send } = memoryPrinter();
    printer.openCover();
    send('48 65 6c 6c 6f 0a 1d 72 01'); // "Hello" LF, GS r 1: queued behind the open cover
    send('10 04 02');
    expect(replies).toEqual(['16']);
    expect(printer.state.bufferedBytes).toBe(9);
  });

  it('DLE EOT n outside 1..4 and the ink/peeler two-byte forms get no reply on a TM-T88V', () => {
    const { replies, send, printer } = memoryPrinter();
    send('10 04 00 10 04 05 10 04 07 01 10 04 08 03 0a');
    expect(replies).toEqual([]);
    expect(printer.journal.current).toHaveLength(1); // only the LF printed: the two-byte forms were consumed whole
  });
});

describe('ASB (GS a)', () => {
  it('is silent until enabled, sends the frame on enable and on each change of an enabled item', () => {
    const { printer, replies, send } = memoryPrinter();
    printer.openCover();
    printer.closeCover();
    expect(replies).toEqual([]);
    send('1d 61 02'); // online/offline only
    expect(replies.splice(0)).toEqual(['10000000']);
    printer.openCover();
    printer.closeCover();
    expect(replies.splice(0)).toEqual(['38000000', '10000000']);
    printer.paperNearEnd(); // roll sensor item not enabled
    expect(replies.splice(0)).toEqual([]);
    send('1d 61 08');
    expect(replies.splice(0)).toEqual(['10000300']);
    printer.loadPaper();
    expect(replies.splice(0)).toEqual(['10000000']);
  });

  it('a disabled-item change is carried in the next frame sent for an enabled item', () => {
    const { printer, replies, send } = memoryPrinter();
    send('1d 61 02');
    replies.length = 0;
    printer.setDrawerPin(true); // drawer item not enabled: no frame
    expect(replies).toEqual([]);
    printer.openCover();
    expect(replies).toEqual(['3c000000']);
  });

  it('ESC @ turns ASB off; GS a 0 too', () => {
    const { printer, replies, send } = memoryPrinter();
    send('1d 61 ff 1b 40');
    replies.length = 0;
    printer.openCover();
    expect(replies).toEqual([]);
    printer.closeCover();
    send('1d 61 0f 1d 61 00');
    replies.length = 0;
    printer.openCover();
    replies.length = 0;
    printer.closeCover();
    expect(replies).toEqual([]);
  });

  it('ASB is not enabled after power-on unless configured', () => {
    const plain = memoryPrinter();
    plain.send('1d 61 ff');
    plain.printer.powerCycle({ offMs: 100 });
    plain.clock.advance(100);
    plain.replies.length = 0;
    plain.printer.openCover();
    expect(plain.replies).toEqual([]);

    const configured = memoryPrinter({ asbOnPowerOn: 0x0f });
    configured.printer.powerCycle({ offMs: 100 });
    configured.clock.advance(100);
    expect(configured.replies).toEqual(['10000000']); // first frame after power-on
  });
});

describe('GS r and GS I', () => {
  it('GS r 1/2 answer in sequence with 0**0**** bytes', () => {
    const { printer, replies, send } = memoryPrinter();
    send('1d 72 01 1d 72 31 1d 72 02');
    printer.paperNearEnd();
    printer.setDrawerPin(true);
    send('1d 72 01 1d 72 32');
    expect(replies).toEqual(['00', '00', '00', '03', '01']);
  });

  it('GS r is not answered while stopped at paper end, and is answered after recovery', () => {
    const { printer, replies, send, eot } = memoryPrinter();
    printer.paperOut();
    send('1d 72 01');
    expect(replies).toEqual([]);
    expect(eot()).toBe('1a32127e');
    printer.loadPaper();
    expect(replies).toEqual(['00']);
  });

  const lines = (...texts: string[]) => concat(...texts.map((text) => concat(ascii(text), hex('0a'))));
  const printedTexts = (printer: ReturnType<typeof memoryPrinter>['printer']) => printer.journal.current.flatMap((item) => (item.kind === 'text' ? [item.text] : []));

  it('GS r is answered once processed, before the lines ahead of it have printed; GS ( H only after they printed', () => {
    const { printer, clock, replies, send } = memoryPrinter({ linesPerSecond: 10 });
    send(lines('one', 'two', 'three'), '1d 72 01', PROCESS_ID('0001'));
    expect(replies).toEqual(['00']);
    expect(printedTexts(printer)).toEqual([]);
    clock.advance(250);
    expect(replies).toEqual(['00']);
    clock.advance(100);
    expect(printedTexts(printer)).toEqual(['one', 'two', 'three']);
    expect(replies).toEqual(['00', '37223030303100']);
  });

  it('GS r waits for room in the print buffer: a long job ahead of it is mostly printed first', () => {
    const { printer, clock, replies, send } = memoryPrinter({ linesPerSecond: 10, printBufferLines: 2 });
    send(lines('l1', 'l2', 'l3', 'l4', 'l5', 'l6'), '1d 72 01');
    expect(replies).toEqual([]);
    clock.advance(350); // l4 printing, l5 and l6 fill the buffer
    expect(replies).toEqual([]);
    clock.advance(100); // l5 printing: l6 leaves room, GS r is processed
    expect(replies).toEqual(['00']);
    expect(printedTexts(printer)).toEqual(['l1', 'l2', 'l3', 'l4']);
  });

  it('without a print buffer (printBufferLines 0) GS r is answered only after the lines ahead printed', () => {
    const { printer, clock, replies, send } = memoryPrinter({ linesPerSecond: 10, printBufferLines: 0 });
    send(lines('a', 'b'), '1d 72 01');
    clock.advance(150);
    expect(replies).toEqual([]);
    clock.advance(100);
    expect(replies).toEqual(['00']);
    expect(printedTexts(printer)).toEqual(['a', 'b']);
  });

  it('whenIdle resolves once the lines GS r ran ahead of have printed', async () => {
    const { printer, clock, replies, send } = memoryPrinter({ linesPerSecond: 10 });
    send(lines('a', 'b'), '1d 72 01');
    expect(replies).toEqual(['00']);
    let idle: boolean | undefined;
    const waiting = printer.whenIdle().then((value) => (idle = value));
    await Promise.resolve();
    expect(idle).toBeUndefined();
    clock.advance(250);
    expect(await waiting).toBe(true);
    expect(printedTexts(printer)).toEqual(['a', 'b']);
  });

  it('GS r behind a paper-out stop is withheld even though its lines were processed', () => {
    const { printer, clock, replies, send } = memoryPrinter({ linesPerSecond: 10, printBufferLines: 2 });
    send(lines('l1', 'l2', 'l3', 'l4', 'l5'), '1d 72 01');
    clock.advance(50);
    printer.paperOut(); // stops after l1: l2, l3 wait in the print buffer, the rest in the receive buffer
    clock.advance(5000);
    expect(replies).toEqual([]);
    printer.loadPaper();
    clock.advance(250);
    expect(replies).toEqual(['00']);
  });

  it('GS I single bytes and 5F … 00 / 3D 21 … 00 blocks', () => {
    const { replies, send } = memoryPrinter({ model: 'TM-T88V', serial: 'X123', language: 'CHINA GB18030', typeId: 0x03 });
    send('1d 49 01 1d 49 02 1d 49 03 1d 49 42 1d 49 43 1d 49 44 1d 49 41 1d 49 45 1d 49 21');
    const [modelId, typeId, rom, ...blocks] = replies.map((r) => Buffer.from(r, 'hex'));
    for (const byte of [modelId!, typeId!, rom!]) {
      expect(byte).toHaveLength(1);
      expect(byte[0]! & 0x90).toBe(0);
    }
    expect(typeId![0]! & 0x02).toBe(0x02); // autocutter installed
    const text = blocks.slice(0, 5).map((b) => {
      expect(b[0]).toBe(0x5f);
      expect(b[b.length - 1]).toBe(0x00);
      return b.subarray(1, -1).toString('latin1');
    });
    expect(text).toEqual(['EPSON', 'TM-T88V', 'X123', '30.01 ESC/POS', 'CHINA GB18030']);
    expect(blocks[5]!.toString('hex')).toBe('3d21424000');
  });

  it('the default is an ordinary TM-T88V: no multi-byte font (GS I 2 bit 0) and an empty GS I 69 block', () => {
    const { replies, send } = memoryPrinter();
    send('1d 49 02 1d 49 43 1d 49 45');
    expect(replies).toEqual(['02', Buffer.from('_TM-T88V\0', 'latin1').toString('hex'), '5f00']);
  });

  it('a one-way printer never answers anything', () => {
    const { printer, replies, send, eot } = memoryPrinter({ oneWay: true });
    send('1d 61 ff 1d 72 01 1d 49 42 0a', '1d 28 48 06 00 30 30 41 42 43 44');
    printer.openCover();
    expect(eot()).toBe('');
    expect(replies).toEqual([]);
  });
});
