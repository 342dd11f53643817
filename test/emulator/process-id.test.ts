import { describe, expect, it } from 'vitest';
import { ascii, CLEAR, concat, CUT, memoryPrinter, PROCESS_ID } from './helpers.js';

const line = (text: string) => concat(ascii(text), Uint8Array.of(0x0a));
const receipt = (...lines: string[]) => concat(...lines.map(line), CUT);

describe('GS ( H process ID', () => {
  it('is sent only after the preceding print data has printed (slow printer)', () => {
    const { printer, clock, replies, send } = memoryPrinter({ linesPerSecond: 10 });
    send(receipt('one', 'two', 'three'), PROCESS_ID('0001'));
    expect(replies).toEqual([]);
    clock.advance(350); // 3 lines printed, the cut (1 line) not yet
    expect(replies).toEqual([]);
    expect(printer.journal.receipts).toHaveLength(0);
    clock.advance(100);
    expect(printer.journal.receipts).toHaveLength(1);
    expect(replies).toEqual(['37223030303100']);
  });

  it('with nothing to print it answers at once', () => {
    const { replies, send } = memoryPrinter({ linesPerSecond: 10 });
    send(PROCESS_ID('ABCD'));
    expect(replies).toEqual(['37224142434400']);
  });

  it('is withheld while offline (cover open) and sent after recovery', () => {
    const { printer, clock, replies, send } = memoryPrinter({ linesPerSecond: 10 });
    printer.openCover();
    send(receipt('paid'), PROCESS_ID('0002'));
    clock.advance(10_000);
    expect(replies).toEqual([]);
    printer.closeCover();
    clock.advance(10_000);
    expect(replies).toEqual(['37223030303200']);
  });

  it('is withheld at paper end; the receipt is split and marked incomplete; sent after paper load', () => {
    const { printer, clock, replies, send } = memoryPrinter({ linesPerSecond: 10 });
    send(receipt('l1', 'l2', 'l3', 'l4'), PROCESS_ID('0003'));
    clock.advance(150); // l1 printed, l2 printing
    printer.paperOut();
    clock.advance(10_000);
    expect(replies).toEqual([]);
    expect(printer.journal.current.filter((i) => i.kind === 'text').map((i) => i.kind === 'text' && i.text)).toEqual(['l1', 'l2']);
    printer.loadPaper();
    clock.advance(10_000);
    expect(replies).toEqual(['37223030303300']);
    const [printed] = printer.journal.receipts;
    expect(printed!.text).toBe('l1\nl2\nl3\nl4');
    expect(printed!.complete).toBe(false);
    expect(printed!.interruptions).toEqual(['paper-out']);
  });

  it('DLE DC4 fn 8 clears pending data: reply 37 25 00 and never the process ID', () => {
    const { printer, clock, replies, send } = memoryPrinter({ linesPerSecond: 10 });
    send(receipt('a', 'b', 'c'), PROCESS_ID('0004'));
    clock.advance(150);
    send(CLEAR);
    expect(replies).toEqual(['372500']);
    clock.advance(10_000);
    expect(replies).toEqual(['372500']);
    expect(printer.journal.receipts[0]).toMatchObject({ complete: false, endedBy: 'cleared' });
    expect(printer.state.bufferedBytes).toBe(0);
  });

  it('DLE DC4 fn 8 works while offline; DLE ENQ 2 clears after a recoverable error', () => {
    const { printer, clock, replies, send } = memoryPrinter({ linesPerSecond: 10 });
    printer.jamCutter({ when: 'next-cut' });
    send(receipt('x'), PROCESS_ID('0005'));
    clock.advance(1000);
    expect(printer.state.cutterError).toBe(true);
    send('10 05 02'); // cause not removed yet: ignored
    expect(printer.state.cutterError).toBe(true);
    printer.clearCutter();
    send('10 05 02');
    clock.advance(1000);
    expect(printer.state.online).toBe(true);
    expect(replies).toEqual([]);
    expect(printer.journal.receipts[0]).toMatchObject({ complete: false, endedBy: 'cleared', interruptions: ['cutter-jam'] });
  });

  it('DLE ENQ 1 after a cutter jam retries the cut: receipt ends, marked incomplete, process ID sent', () => {
    const { printer, clock, replies, send } = memoryPrinter({ linesPerSecond: 10 });
    printer.jamCutter({ when: 'next-cut' });
    send(receipt('y'), PROCESS_ID('0006'));
    clock.advance(1000);
    printer.clearCutter();
    send('10 05 01');
    clock.advance(1000);
    expect(replies).toEqual(['37223030303600']);
    expect(printer.journal.receipts[0]).toMatchObject({ complete: false, endedBy: 'cut', text: 'y' });
  });

  it('only the latest process ID is sent when several became due while the printer could not send', () => {
    const { printer, clock, replies, send } = memoryPrinter({ linesPerSecond: 10 });
    printer.hang(5000);
    send(receipt('1'), PROCESS_ID('0001'), receipt('2'), PROCESS_ID('0002'));
    clock.advance(1000);
    expect(replies).toEqual([]);
    clock.advance(4000);
    expect(replies).toEqual(['37223030303200']);
  });

  it('a model without GS ( H ignores it', () => {
    const { printer, replies, send } = memoryPrinter({ processId: false });
    send(receipt('z'), PROCESS_ID('0007'), '1d 72 01');
    expect(replies).toEqual(['00']);
    expect(printer.journal.receipts[0]).toMatchObject({ complete: true, text: 'z' });
  });

  it('offline response (fn 49) is sent when the printer goes offline once enabled', () => {
    const { printer, replies, send } = memoryPrinter();
    send('1d 28 48 03 00 31 30 31');
    printer.openCover();
    expect(replies).toEqual(['372300']);
  });
});

describe('interruptions', () => {
  it('cover open while printing stops at once; auto recovery reprints the line from its start', () => {
    const { printer, clock, send } = memoryPrinter({ linesPerSecond: 10 });
    send(receipt('first', 'second', 'third'));
    clock.advance(150); // "second" is printing
    printer.openCover();
    expect(printer.state).toMatchObject({ online: false, coverOpen: true, autoRecoverableError: true });
    clock.advance(5000);
    printer.closeCover();
    clock.advance(5000);
    const [printed] = printer.journal.receipts;
    const texts = printed!.items.flatMap((i) => (i.kind === 'text' ? [`${i.text}${i.partial ? '(partial)' : ''}`] : []));
    expect(texts).toEqual(['first', 'second(partial)', 'second', 'third']);
    expect(printed!.complete).toBe(false);
    expect(printed!.text).toBe('first\nsecond\nthird');
  });

  it('cover open while printing in recoverable mode waits for DLE ENQ 1', () => {
    const { printer, clock, send, eot } = memoryPrinter({ linesPerSecond: 10, coverOpenRecovery: 'recoverable' });
    send(receipt('a', 'b'));
    clock.advance(50);
    printer.openCover();
    expect(eot()).toBe('1a561612'); // n=3 bit 2: recoverable error
    printer.closeCover();
    clock.advance(5000);
    expect(printer.journal.receipts).toHaveLength(0);
    send('10 05 01');
    clock.advance(5000);
    expect(printer.journal.receipts[0]).toMatchObject({ text: 'a\nb', complete: false });
  });

  it('paper out in discard mode loses the buffered rest of the receipt', () => {
    const { printer, clock, send, replies } = memoryPrinter({ linesPerSecond: 10 });
    send(receipt('a', 'b', 'c'), PROCESS_ID('0009'));
    clock.advance(50);
    printer.paperOut({ mode: 'discard' });
    clock.advance(5000);
    printer.loadPaper();
    clock.advance(5000);
    expect(replies).toEqual([]);
    expect(printer.journal.receipts[0]).toMatchObject({ text: 'a', complete: false, endedBy: 'cleared' });
  });

  it('an uninterrupted receipt is complete', () => {
    const { printer, clock, send } = memoryPrinter({ linesPerSecond: 10 });
    send(receipt('ok'));
    clock.advance(1000);
    expect(printer.journal.receipts[0]).toMatchObject({ text: 'ok', complete: true, endedBy: 'cut' });
  });

  it('power cycle loses the buffer, the settings and the receipt being printed', () => {
    const { printer, clock, send, replies, eot } = memoryPrinter({ linesPerSecond: 10 });
    send('1d 61 ff 1c 26', receipt('a', 'b', 'c'), PROCESS_ID('0010'));
    replies.length = 0;
    clock.advance(150);
    printer.powerCycle({ offMs: 500 });
    expect(eot()).toBe(''); // off: nothing answers
    clock.advance(500);
    expect(printer.state).toMatchObject({ powered: true, online: true, bufferedBytes: 0, asbMask: 0, kanjiMode: false });
    clock.advance(5000);
    expect(replies).toEqual([]);
    expect(printer.journal.receipts[0]).toMatchObject({ text: 'a', complete: false, endedBy: 'power-off' });
  });

  it('overheat pauses printing without splitting the receipt', () => {
    const { printer, clock, send } = memoryPrinter({ linesPerSecond: 10 });
    send(receipt('a', 'b'));
    clock.advance(50);
    printer.overheat(2000);
    clock.advance(1000);
    expect(printer.journal.receipts).toHaveLength(0);
    clock.advance(2000);
    expect(printer.journal.receipts[0]).toMatchObject({ text: 'a\nb', complete: true });
  });
});
