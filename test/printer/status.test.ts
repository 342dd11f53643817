import { describe, expect, it } from 'vitest';
import { decodeAsb, decodeRealtimeReplies, decodeRealtimeStatus, faultNeedsAttention, gsrPaperEnd, isJobFault, statusFault } from '../../src/printer/status.js';
import type { PrinterStatus } from '../../src/printer/types.js';

const OK: PrinterStatus = {
  online: true,
  coverOpen: false,
  paperEnd: false,
  paperNearEnd: false,
  cutterError: false,
  recoverableError: false,
  unrecoverableError: false,
  autoRecoverableError: false,
  // 0x12 / ASB 0x10: drawer pin 3 LOW, which receiptio and receipt-printer-status read as open.
  drawerOpen: true,
  waitingForRecovery: false,
  feeding: false,
};

// The "typical replies" table of escpos-status.md §1.2: DLE EOT 1–4 and the ASB frame must agree.
const typical: { state: string; eot: [number, number, number, number]; asb: number[]; status: Partial<PrinterStatus>; code?: string }[] = [
  { state: 'idle, pin 3 low', eot: [0x12, 0x12, 0x12, 0x12], asb: [0x10, 0, 0, 0], status: {} },
  { state: 'idle, pin 3 high', eot: [0x16, 0x12, 0x12, 0x12], asb: [0x14, 0, 0, 0], status: { drawerOpen: false } },
  { state: 'cover open, idle', eot: [0x1a, 0x16, 0x12, 0x12], asb: [0x38, 0, 0, 0], status: { online: false, coverOpen: true }, code: 'COVER_OPEN' },
  { state: 'paper near end only', eot: [0x12, 0x12, 0x12, 0x1e], asb: [0x10, 0, 0x03, 0], status: { paperNearEnd: true } },
  {
    state: 'paper end, stopped',
    eot: [0x1a, 0x32, 0x12, 0x7e],
    asb: [0x18, 0, 0x0f, 0],
    status: { online: false, paperEnd: true, paperNearEnd: true },
    code: 'PAPER_END',
  },
  { state: 'autocutter error', eot: [0x1a, 0x52, 0x1a, 0x12], asb: [0x18, 0x08, 0, 0], status: { online: false, cutterError: true }, code: 'CUTTER_ERROR' },
  {
    state: 'head overheat',
    eot: [0x1a, 0x52, 0x52, 0x12],
    asb: [0x18, 0x40, 0, 0],
    status: { online: false, autoRecoverableError: true },
    code: 'OFFLINE',
  },
  {
    state: 'unrecoverable error',
    eot: [0x1a, 0x52, 0x32, 0x12],
    asb: [0x18, 0x20, 0, 0],
    status: { online: false, unrecoverableError: true },
    code: 'UNRECOVERABLE',
  },
];

describe('typical replies table', () => {
  for (const row of typical) {
    it(`${row.state}: DLE EOT ${row.eot.map((b) => b.toString(16)).join(' ')} and ASB agree`, () => {
      const expected = { ...OK, ...row.status };
      expect(decodeRealtimeStatus(...row.eot)).toEqual(expected);
      expect(decodeAsb(row.asb)).toEqual(expected);
      expect(statusFault(expected)?.code).toBe(row.code);
    });
  }
});

describe('decodeRealtimeStatus bit by bit', () => {
  const base = [0x12, 0x12, 0x12, 0x12] as const;
  const cases: [number, number, keyof PrinterStatus, boolean][] = [
    [0, 0x04, 'drawerOpen', false],
    [0, 0x08, 'online', false],
    [0, 0x20, 'waitingForRecovery', true],
    [1, 0x04, 'coverOpen', true],
    [1, 0x08, 'feeding', true],
    [1, 0x20, 'paperEnd', true],
    [2, 0x04, 'recoverableError', true],
    [2, 0x08, 'cutterError', true],
    [2, 0x20, 'unrecoverableError', true],
    [2, 0x40, 'autoRecoverableError', true],
    [3, 0x04, 'paperNearEnd', true],
    [3, 0x08, 'paperNearEnd', true],
    // Both end-sensor bits (python-escpos RT_MASK_NOPAPER): bit 6 alone is the PPU-231II presenter.
    [3, 0x20, 'paperEnd', false],
    [3, 0x40, 'paperEnd', false],
    [3, 0x60, 'paperEnd', true],
  ];
  for (const [index, mask, field, value] of cases) {
    it(`DLE EOT ${index + 1} bit 0x${mask.toString(16)} → ${field} ${value}`, () => {
      const bytes = [...base] as [number, number, number, number];
      bytes[index] = bytes[index]! | mask;
      expect(decodeRealtimeStatus(...bytes)).toEqual({ ...OK, [field]: value });
    });
  }
  it('a TM with no drawer idles at 0x16: drawer closed, not open (node-escpos#288, receiptio)', () => {
    expect(decodeRealtimeStatus(0x16, 0x12, 0x12, 0x12)).toEqual({ ...OK, drawerOpen: false });
  });

  it('python-escpos masks: 0x12 online, 0x1A offline (n=1), 0x72 no paper (n=4)', () => {
    expect(decodeRealtimeStatus(0x12, 0x12, 0x12, 0x12).online).toBe(true);
    expect(decodeRealtimeStatus(0x1a, 0x12, 0x12, 0x12).online).toBe(false);
    expect(decodeRealtimeStatus(0x12, 0x12, 0x12, 0x72).paperEnd).toBe(true);
  });
});

describe('decodeRealtimeReplies: clones answering a subset of DLE EOT 1-4', () => {
  it('only n = 1 and 4 (Maxim MOB-58): cover and error fields unknown, not faults', () => {
    const status = decodeRealtimeReplies({ 1: 0x16, 4: 0x12 });
    expect(status.unknown).toEqual(expect.arrayContaining(['coverOpen', 'cutterError', 'unrecoverableError', 'feeding']));
    expect(status.unknown).not.toContain('online');
    expect(statusFault(status)).toBeUndefined();
    expect(decodeRealtimeReplies({ 1: 0x1e, 4: 0x72 })).toMatchObject({ online: false, paperEnd: true });
  });

  it('only n = 2 (Custom P80C): online derived from the offline causes', () => {
    expect(decodeRealtimeReplies({ 2: 0x12 })).toMatchObject({ online: true });
    expect(statusFault(decodeRealtimeReplies({ 2: 0x12 }))).toBeUndefined();
    expect(statusFault(decodeRealtimeReplies({ 2: 0x16 }))?.code).toBe('COVER_OPEN');
    expect(statusFault(decodeRealtimeReplies({ 2: 0x32 }))?.code).toBe('PAPER_END');
    expect(decodeRealtimeReplies({ 2: 0x12 }).unknown).toEqual(expect.arrayContaining(['drawerOpen', 'paperNearEnd', 'cutterError']));
  });

  it('all four known: no unknown list', () => {
    expect(decodeRealtimeReplies({ 1: 0x16, 2: 0x12, 3: 0x12, 4: 0x12 }).unknown).toBeUndefined();
  });
});

describe('decodeAsb bit by bit', () => {
  const cases: [number, number, keyof PrinterStatus, boolean][] = [
    [0, 0x04, 'drawerOpen', false],
    [0, 0x08, 'online', false],
    [0, 0x20, 'coverOpen', true],
    [0, 0x40, 'feeding', true],
    [1, 0x01, 'waitingForRecovery', true],
    [1, 0x04, 'recoverableError', true],
    [1, 0x08, 'cutterError', true],
    [1, 0x20, 'unrecoverableError', true],
    [1, 0x40, 'autoRecoverableError', true],
    [2, 0x03, 'paperNearEnd', true],
    [2, 0x0c, 'paperEnd', true],
  ];
  for (const [index, mask, field, value] of cases) {
    it(`ASB byte ${index + 1} bits 0x${mask.toString(16)} → ${field} ${value}`, () => {
      const frame = [0x10, 0, 0, 0];
      frame[index] = frame[index]! | mask;
      expect(decodeAsb(frame)).toEqual({ ...OK, [field]: value });
    });
  }
});

describe('faults', () => {
  it('the most specific cause wins', () => {
    expect(statusFault({ ...OK, online: false, paperEnd: true, coverOpen: true })?.code).toBe('PAPER_END');
    expect(statusFault({ ...OK, online: false, cutterError: true, paperEnd: true })?.code).toBe('CUTTER_ERROR');
    expect(statusFault({ ...OK, online: false, unrecoverableError: true, cutterError: true })?.code).toBe('UNRECOVERABLE');
    expect(statusFault({ ...OK, online: false, recoverableError: true })?.code).toBe('OFFLINE');
    expect(statusFault({ ...OK, online: false })?.code).toBe('OFFLINE');
    expect(statusFault({ ...OK, paperNearEnd: true, drawerOpen: true })).toBeUndefined();
  });

  it('carries job context', () => {
    const error = statusFault({ ...OK, online: false, paperEnd: true }, { transactionId: 'TXN-1', mayHavePrinted: false });
    expect(error).toMatchObject({ code: 'PAPER_END', transactionId: 'TXN-1', mayHavePrinted: false, needsAttention: true });
  });

  it('job faults exclude pauses that clear by themselves', () => {
    expect(isJobFault({ ...OK, online: false, autoRecoverableError: true })).toBe(false);
    expect(isJobFault({ ...OK, online: false, feeding: true })).toBe(false);
    expect(isJobFault({ ...OK, online: false, coverOpen: true })).toBe(true);
    expect(isJobFault({ ...OK, online: false, recoverableError: true })).toBe(true);
  });

  it('faultNeedsAttention', () => {
    for (const code of ['PAPER_END', 'COVER_OPEN', 'CUTTER_ERROR', 'UNRECOVERABLE']) expect(faultNeedsAttention(code)).toBe(true);
    for (const code of ['OFFLINE', 'DISCONNECTED', 'CONFIRM_TIMEOUT', 'ONE_WAY']) expect(faultNeedsAttention(code)).toBe(false);
  });

  it('GS r 1 paper end bits', () => {
    expect(gsrPaperEnd(0x00)).toBe(false);
    expect(gsrPaperEnd(0x03)).toBe(false);
    expect(gsrPaperEnd(0x0c)).toBe(true);
  });
});
