import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, MemoryTransport } from '../../src/exports/testing.js';
import { Printer, type PrinterOptions } from '../../src/printer/printer.js';
import type { PrinterStatus } from '../../src/printer/types.js';
import { rejection } from './rejection.js';
import { contains, ScriptedPrinter, type ScriptOptions } from './scripted-escpos.js';

const JOB = Uint8Array.from([0x1b, 0x40, ...Buffer.from('Coffee 3.50\n'), 0x1d, 0x56, 0x41, 0x00]);
const CLEAR = [0x10, 0x14, 0x08, 0x01, 0x03, 0x14, 0x01, 0x06, 0x02, 0x08];
const FAST = { status: 200, probe: 200, confirm: 2000, drain: 0 };

const printers: Printer[] = [];
afterEach(async () => {
  await Promise.all(printers.splice(0).map((p) => p.close()));
  MemoryTransport.reset();
});

let names = 0;
/** A Printer on the shipped memory link, whose far end answers as `script` says. */
function setup(script: ScriptOptions = {}, options: Partial<PrinterOptions> = {}) {
  const device = new ScriptedPrinter(`printer-test-${names++}`, script);
  const transport = new MemoryTransport(device.memory.name);
  const printer = new Printer({ transport, timeouts: FAST, pollIntervalMs: 0, reconnect: { initialMs: 5, maxMs: 20 }, processIdSeed: 0, ...options });
  printers.push(printer);
  let connects = 0;
  printer.on('connected', () => connects++);
  /** How many times the link was opened and probed. */
  const connections = () => connects;
  return { device, transport, printer, connections };
}

/** Lets bytes sent by the far end arrive and be handled (a memory link delivers them on a later turn). */
const delivered = () => new Promise((resolve) => setImmediate(() => setImmediate(resolve)));

/** Moves `clock` in `stepMs` steps, letting the link work between them, until `promise` settles; resolves with the time it took. */
async function advanceUntilSettled(clock: ManualClock, promise: Promise<unknown>, stepMs = 5, limitMs = 60_000): Promise<number> {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  const start = clock.now();
  for (await delivered(); !settled; await delivered()) {
    if (clock.now() - start >= limitMs) throw new Error(`still pending after ${limitMs} ms of the test's clock`);
    clock.advance(stepMs);
  }
  return clock.now() - start;
}

/** A promise for the job's bytes being accepted by the link, and the `onSent` that resolves it. */
function whenSent(): { sent: Promise<void>; onSent: () => void } {
  let onSent!: () => void;
  const sent = new Promise<void>((resolve) => (onSent = resolve));
  return { sent, onSent };
}

const once = <T extends unknown[]>(printer: Printer, event: 'connected' | 'disconnected' | 'status') =>
  new Promise<T>((resolve) => printer.on(event, ((...args: T) => resolve(args)) as never));

describe('connect and probe', () => {
  it('a printer with GS ( H: status read, ASB enabled, confirmation process-id', async () => {
    const { printer, device } = setup();
    await printer.connect();
    expect(printer.connected).toBe(true);
    expect(printer.confirmation).toBe('process-id');
    expect(printer.lastStatus?.online).toBe(true);
    const sent = device.writtenSince();
    expect(sent.slice(0, 12)).toEqual([0x10, 0x04, 1, 0x10, 0x04, 2, 0x10, 0x04, 3, 0x10, 0x04, 4]);
    expect(contains(sent, [0x1d, 0x61, 0x0f])).toBe(true);
    expect(contains(sent, [0x1d, 0x28, 0x48, 0x06, 0x00, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30])).toBe(true);
  });

  it('a model without GS ( H falls back to gs-r', async () => {
    const { printer } = setup({ processId: false });
    await printer.connect();
    expect(printer.confirmation).toBe('gs-r');
  });

  it('a printer answering neither GS ( H nor GS r is none', async () => {
    const { printer } = setup({ processId: false, gsr: false });
    await printer.connect();
    expect(printer.confirmation).toBe('none');
  });

  it('no DLE EOT answer: one-way, status() rejects ONE_WAY', async () => {
    const { printer } = setup({ answersStatus: false });
    await printer.connect();
    expect(printer.confirmation).toBe('none');
    expect((await rejection(printer.status())).code).toBe('ONE_WAY');
  });

  it('a transport that says it is one-way is not probed', async () => {
    const { printer, device } = setup({ bidirectional: false });
    await printer.connect();
    expect(printer.confirmation).toBe('none');
    expect(device.memory.recording).toHaveLength(0);
  });

  it('an offline printer is probed for confirmation before its first job, once online', async () => {
    const { printer, device } = setup();
    device.state.coverOpen = true;
    await printer.connect();
    expect(printer.confirmation).toBe('unknown');
    expect(printer.lastStatus?.coverOpen).toBe(true);
    device.set({ coverOpen: false });
    const result = await printer.print(JOB);
    expect(printer.confirmation).toBe('process-id');
    expect(result.guarantee).toBe('printed');
  });

  it('a printer busy with an earlier job answers the probe late: the mode stays unknown and is probed again before the job', async () => {
    const { printer, device } = setup();
    device.busy = true;
    await printer.connect();
    expect(printer.confirmation).toBe('unknown');
    device.busy = false;
    device.set({});
    expect((await printer.print(JOB)).guarantee).toBe('printed');
    expect(printer.confirmation).toBe('process-id');
  });

  it('a transport that cannot open rejects DISCONNECTED', async () => {
    const { printer, device } = setup();
    device.memory.connectable = false;
    expect((await rejection(printer.connect())).code).toBe('DISCONNECTED');
    expect(printer.connected).toBe(false);
  });
});

describe('status and identify', () => {
  it('status() reads DLE EOT 1–4 and emits a status event on change', async () => {
    const { printer, device } = setup({ asb: false });
    await printer.connect();
    device.state.paperEnd = true;
    const changed = once<[PrinterStatus, PrinterStatus | undefined]>(printer, 'status');
    const status = await printer.status();
    expect(status).toMatchObject({ online: false, paperEnd: true });
    const [now, previous] = await changed;
    expect(now.paperEnd).toBe(true);
    expect(previous?.paperEnd).toBe(false);
  });

  it('ASB frames update lastStatus and emit status events', async () => {
    const { printer, device } = setup();
    await printer.connect();
    const changed = once<[PrinterStatus]>(printer, 'status');
    device.set({ coverOpen: true });
    const [status] = await changed;
    expect(status.coverOpen).toBe(true);
    expect(printer.lastStatus?.coverOpen).toBe(true);
  });

  it('polling keeps lastStatus fresh without ASB', async () => {
    const { printer, device } = setup({ asb: false }, { pollIntervalMs: 10 });
    await printer.connect();
    const changed = once<[PrinterStatus]>(printer, 'status');
    device.state.nearEnd = true;
    const [status] = await changed;
    expect(status.paperNearEnd).toBe(true);
  });

  it('identify() reads GS I 66/67/68/65/69; an unanswered field is left out', async () => {
    const clock = new ManualClock();
    const { printer } = setup({}, { clock });
    await advanceUntilSettled(clock, printer.connect());
    const identity = printer.identify();
    await advanceUntilSettled(clock, identity); // GS I 69 stays unanswered until its reply timeout
    expect(await identity).toEqual({ maker: 'EPSON', model: 'TM-T88V', serial: 'SN12345', firmware: '1.02 ESC/POS' });
  });
});

describe('print', () => {
  it('sends ESC @, GS a, the body, GS a, GS ( H and resolves printed with its ID', async () => {
    const { printer, device } = setup({}, { statusFreshMs: 0 });
    await printer.connect();
    const from = device.memory.recording.length;
    const result = await printer.print(JOB, { jobId: 'TXN-1' });
    expect(result).toEqual({ guarantee: 'printed', processId: '0001', bytesSent: JOB.length + 6 + 11 });
    expect(device.writtenSince(from)).toEqual([
      ...[1, 2, 3, 4].flatMap((n) => [0x10, 0x04, n]), // pre-flight
      0x1b,
      0x40,
      0x1d,
      0x61,
      0x0f,
      ...JOB.subarray(2),
      0x1d,
      0x61,
      0x0f,
      0x1d,
      0x28,
      0x48,
      0x06,
      0x00,
      0x30,
      0x30,
      0x30,
      0x30,
      0x30,
      0x31,
    ]);
    expect(device.printedJobs).toBe(1);
  });

  it('onSent is called with the bytes accepted before the confirmation arrives', async () => {
    const { printer } = setup();
    await printer.connect();
    const calls: number[] = [];
    const result = await printer.print(JOB, { onSent: (n) => calls.push(n) });
    expect(calls).toEqual([result.bytesSent]);
  });

  it('jobs get fresh, ascending IDs', async () => {
    const { printer } = setup();
    await printer.connect();
    const ids: string[] = [];
    // A missing id would make the Set below smaller than 3.
    for (let i = 0; i < 3; i++) ids.push((await printer.print(JOB)).processId!);
    expect(new Set(ids).size).toBe(3);
    expect([...ids].sort()).toEqual(ids);
  });

  it('gs-r mode resolves processed', async () => {
    const { printer, device } = setup({ processId: false });
    await printer.connect();
    expect(await printer.print(JOB)).toMatchObject({ guarantee: 'processed' });
    const job = device.jobWrites.at(-1)!;
    // GS r 1, then GS I 66: the maker block (learned at the probe) confirms, a stray byte cannot.
    expect(job.slice(-6)).toEqual([0x1d, 0x72, 0x31, 0x1d, 0x49, 0x42]);
  });

  it('gs-r mode: a stray one-byte reply and a stray block during the job do not confirm it', async () => {
    const { printer, device } = setup({ processId: false });
    await printer.connect();
    device.busy = true; // in-order replies wait until the printer is released
    let jobAccepted!: () => void;
    const accepted = new Promise<void>((resolve) => (jobAccepted = resolve));
    const result = printer.print(JOB, { onSent: () => jobAccepted() });
    let settled = false;
    void result.finally(() => (settled = true)).catch(() => {});
    await accepted;
    const staleBefore = printer.diagnostics.stale;
    device.send([0x00, 0x5f, 0x41, 0x00]);
    await delivered();
    // The stray replies were seen and set aside; the job still waits for its own.
    expect(printer.diagnostics.stale).toBeGreaterThan(staleBefore);
    expect(settled).toBe(false);
    device.busy = false;
    device.set({});
    expect(await result).toMatchObject({ guarantee: 'processed' });
    expect(printer.diagnostics.stale).toBeGreaterThan(0);
  });

  it('pre-flight: paper out rejects PAPER_END, mayHavePrinted false, nothing written', async () => {
    const { printer, device } = setup({}, { statusFreshMs: 0 });
    await printer.connect();
    device.set({ paperEnd: true });
    const from = device.memory.recording.length;
    const error = await rejection(printer.print(JOB, { jobId: 'TXN-2' }));
    expect(error).toMatchObject({ code: 'PAPER_END', mayHavePrinted: false, transactionId: 'TXN-2' });
    expect(contains(device.writtenSince(from), [0x1b, 0x40])).toBe(false);
  });

  it('skips the DLE EOT pre-flight while ASB says the printer is ready (within statusFreshMs)', async () => {
    const { printer, device } = setup();
    await printer.connect();
    const from = device.memory.recording.length;
    await printer.print(JOB);
    await printer.print(JOB);
    const sent = device.writtenSince(from);
    expect(sent.slice(0, 2)).toEqual([0x1b, 0x40]);
    expect(contains(sent, [0x10, 0x04, 1])).toBe(false);
  });

  it('a fault announced by ASB is checked before the job: PAPER_END, mayHavePrinted false, nothing written', async () => {
    const { printer, device } = setup();
    await printer.connect();
    const reported = new Promise<void>((resolve) => printer.on('status', (status) => status.paperEnd && resolve()));
    device.set({ paperEnd: true });
    await reported;
    const from = device.memory.recording.length;
    expect(await rejection(printer.print(JOB, { jobId: 'TXN-5' }))).toMatchObject({ code: 'PAPER_END', mayHavePrinted: false });
    const sent = device.writtenSince(from);
    expect(sent.slice(0, 3)).toEqual([0x10, 0x04, 1]);
    expect(contains(sent, [0x1b, 0x40])).toBe(false);
  });

  it('keeps the pre-flight for a printer without ASB and for a status older than statusFreshMs', async () => {
    const withoutAsb = setup({ asb: false });
    await withoutAsb.printer.connect();
    let from = withoutAsb.device.memory.recording.length;
    await withoutAsb.printer.print(JOB);
    expect(withoutAsb.device.writtenSince(from).slice(0, 3)).toEqual([0x10, 0x04, 1]);

    const clock = new ManualClock(1_000);
    const stale = setup({}, { statusFreshMs: 20, clock });
    await advanceUntilSettled(clock, stale.printer.connect());
    await stale.printer.print(JOB); // each job's GS a brings an ASB frame: the status is fresh now
    clock.advance(19);
    from = stale.device.memory.recording.length;
    await stale.printer.print(JOB);
    expect(stale.device.writtenSince(from).slice(0, 2)).toEqual([0x1b, 0x40]);
    clock.advance(20);
    from = stale.device.memory.recording.length;
    await stale.printer.print(JOB);
    expect(stale.device.writtenSince(from).slice(0, 3)).toEqual([0x10, 0x04, 1]);
  });

  for (const [behaviour, code] of [
    ['paper-out', 'PAPER_END'],
    ['cover-open', 'COVER_OPEN'],
    ['cutter-jam', 'CUTTER_ERROR'],
  ] as const) {
    it(`${behaviour} mid-job: ${code}, mayHavePrinted true, buffers cleared, ESC @ + GS a, nothing completes later`, async () => {
      const { printer, device } = setup();
      await printer.connect();
      device.nextJob = behaviour;
      const from = device.memory.recording.length;
      const error = await rejection(printer.print(JOB, { jobId: 'TXN-3' }));
      expect(error).toMatchObject({ code, mayHavePrinted: true, transactionId: 'TXN-3' });
      const after = device.writtenSince(from);
      expect(contains(after, [...CLEAR, 0x1b, 0x40, 0x1d, 0x61, 0x0f])).toBe(true);
      expect(device.held).toEqual([]);
      device.set({ paperEnd: false, nearEnd: false, coverOpen: false, cutter: false });
      expect(device.printedJobs).toBe(0);
    });
  }

  it('a fault seen only by polling (no ASB) fails the job', async () => {
    const { printer, device } = setup({ asb: false }, { pollIntervalMs: 10 });
    await printer.connect();
    device.nextJob = 'cover-open';
    expect(await rejection(printer.print(JOB))).toMatchObject({ code: 'COVER_OPEN', mayHavePrinted: true });
  });

  it("gs-r mode: the job right after a mid-job fault is confirmed (the cleared job's replies were discarded with the buffer)", async () => {
    const clock = new ManualClock();
    const { printer, device } = setup({ processId: false }, { clock });
    await advanceUntilSettled(clock, printer.connect());
    device.nextJob = 'paper-out';
    const failed = printer.print(JOB);
    await advanceUntilSettled(clock, failed);
    expect((await rejection(failed)).code).toBe('PAPER_END');
    device.set({ paperEnd: false, nearEnd: false });
    // At once, well within the late-reply window: this job's GS r and GS I replies must not be
    // swallowed as the cleared job's (that ended in CONFIRM_TIMEOUT).
    const next = printer.print(JOB);
    expect(await advanceUntilSettled(clock, next)).toBeLessThan(FAST.confirm);
    expect(await next).toMatchObject({ guarantee: 'processed' });
  });

  it('without DLE DC4 fn 8 the buffers are cleared with DLE ENQ 2', async () => {
    const { printer, device } = setup({ clearResponse: false });
    await printer.connect();
    device.nextJob = 'paper-out';
    const from = device.memory.recording.length;
    expect((await rejection(printer.print(JOB))).code).toBe('PAPER_END');
    expect(contains(device.writtenSince(from), [0x10, 0x05, 0x02, 0x1b, 0x40])).toBe(true);
  });

  it('no confirmation in time: CONFIRM_TIMEOUT, mayHavePrinted true', async () => {
    const clock = new ManualClock();
    const { printer, device } = setup({}, { clock });
    await advanceUntilSettled(clock, printer.connect()); // the probe waits 20 ms for ASB frames
    device.nextJob = 'hang';
    const { sent, onSent } = whenSent();
    const pending = printer.print(JOB, { jobId: 'TXN-4', confirmTimeoutMs: 50, onSent });
    await sent;
    expect(await advanceUntilSettled(clock, pending)).toBe(50);
    expect(await rejection(pending)).toMatchObject({ code: 'CONFIRM_TIMEOUT', mayHavePrinted: true, transactionId: 'TXN-4' });
  });

  it('a link that stops accepting the job: CONFIRM_TIMEOUT in doubt, onSent never called', async () => {
    const clock = new ManualClock();
    const { printer, device } = setup({}, { clock });
    await advanceUntilSettled(clock, printer.connect()); // the probe waits 20 ms for ASB frames
    device.memory.pause(); // a full receive buffer that never drains
    const sent: number[] = [];
    const pending = printer.print(JOB, { confirmTimeoutMs: 50, onSent: (n) => sent.push(n) });
    expect(await advanceUntilSettled(clock, pending)).toBeGreaterThanOrEqual(50);
    expect(await rejection(pending)).toMatchObject({ code: 'CONFIRM_TIMEOUT', mayHavePrinted: true });
    expect(sent).toEqual([]);
  });

  it('a reply with an ID we never sent, or an old one, does not confirm the job', async () => {
    const clock = new ManualClock();
    const { printer, device } = setup({ processId: true }, { clock });
    await advanceUntilSettled(clock, printer.connect()); // the probe waits 20 ms for ASB frames
    const first = await printer.print(JOB);
    device.options.processId = false; // the printer stops answering; only forged replies come
    const { sent, onSent } = whenSent();
    const pending = printer.print(JOB, { confirmTimeoutMs: 100, onSent });
    await sent;
    device.send([0x37, 0x22, ...Buffer.from(first.processId!), 0x00]);
    device.send([0x37, 0x22, ...Buffer.from('ZZZZ'), 0x00]);
    expect(await advanceUntilSettled(clock, pending)).toBe(100);
    expect((await rejection(pending)).code).toBe('CONFIRM_TIMEOUT');
  });

  it('an ID from the previous connection does not confirm a job on the new one', async () => {
    const clock = new ManualClock();
    const { printer, device } = setup({}, { clock });
    await advanceUntilSettled(clock, printer.connect()); // the probe waits 20 ms for ASB frames
    const old = await printer.print(JOB);
    const reconnected = once(printer, 'connected');
    device.memory.drop();
    await advanceUntilSettled(clock, reconnected);
    device.options.processId = false;
    const { sent, onSent } = whenSent();
    const pending = printer.print(JOB, { confirmTimeoutMs: 100, onSent });
    await sent;
    device.send([0x37, 0x22, ...Buffer.from(old.processId!), 0x00]);
    expect(await advanceUntilSettled(clock, pending)).toBe(100);
    expect((await rejection(pending)).code).toBe('CONFIRM_TIMEOUT');
  });

  it('garbage and unrelated replies on the line do not disturb the confirmation', async () => {
    const { printer, device } = setup();
    await printer.connect();
    device.send([0xff, 0x80, 0x39, 0x10, 0x00, 0x16, 0x5f, 0x41, 0x00, 0x13, 0x11]);
    expect((await printer.print(JOB)).guarantee).toBe('printed');
  });

  it('one-way: ONE_WAY without writing; sent with allowUnconfirmed', async () => {
    const { printer, device } = setup({ answersStatus: false });
    await printer.connect();
    const from = device.memory.recording.length;
    expect(await rejection(printer.print(JOB, { jobId: 'TXN-5' }))).toMatchObject({ code: 'ONE_WAY', mayHavePrinted: false });
    // Nothing of the job: only the probe again (the printer may have been off when connected).
    expect(contains(device.writtenSince(from), JOB.subarray(2))).toBe(false);
    const afterRefusal = device.memory.recording.length;
    expect(await printer.print(JOB, { allowUnconfirmed: true })).toMatchObject({ guarantee: 'sent' });
    expect(contains(device.writtenSince(afterRefusal), JOB.subarray(2))).toBe(true);
  });
});

describe('link drops and close', () => {
  it('a drop mid-job rejects DISCONNECTED in doubt, then reconnects with a fresh probe', async () => {
    const { printer, device, connections } = setup();
    await printer.connect();
    device.nextJob = 'drop';
    const disconnected = once(printer, 'disconnected');
    const reconnected = disconnected.then(() => new Promise<void>((resolve) => printer.on('connected', () => resolve())));
    const error = await rejection(printer.print(JOB, { jobId: 'TXN-6' }));
    expect(error).toMatchObject({ code: 'DISCONNECTED', mayHavePrinted: true, transactionId: 'TXN-6' });
    await reconnected;
    expect(connections()).toBe(2);
    expect(printer.connected).toBe(true);
    expect((await printer.print(JOB)).guarantee).toBe('printed');
  });

  it('reconnect retries with backoff until the printer accepts', async () => {
    const clock = new ManualClock();
    const { printer, device, connections } = setup({}, { clock });
    await advanceUntilSettled(clock, printer.connect()); // the probe waits 20 ms for ASB frames
    device.memory.connectable = false;
    const connected = once(printer, 'connected');
    const disconnected = once(printer, 'disconnected');
    device.memory.drop();
    await disconnected;
    expect((await rejection(printer.print(JOB))).code).toBe('DISCONNECTED');
    // Refused for 200 ms of the clock (backoff 5 ms up to 20 ms): still not connected.
    for (let elapsed = 0; elapsed < 200; elapsed += 5) {
      clock.advance(5);
      await delivered();
    }
    expect([printer.connected, connections()]).toEqual([false, 1]);
    device.memory.connectable = true;
    // The next try, at most the backoff's cap (20 ms) later, connects after the probe's 20 ms wait for ASB frames.
    expect(await advanceUntilSettled(clock, connected)).toBeLessThanOrEqual(40);
    expect([printer.connected, connections()]).toEqual([true, 2]);
  });

  it('print while disconnected rejects DISCONNECTED, mayHavePrinted false', async () => {
    const { printer } = setup();
    expect(await rejection(printer.print(JOB))).toMatchObject({ code: 'DISCONNECTED', mayHavePrinted: false });
  });

  it('close() rejects a job in flight as DISCONNECTED in doubt and stops reconnecting', async () => {
    const clock = new ManualClock();
    const { printer, device, transport, connections } = setup({}, { clock });
    await advanceUntilSettled(clock, printer.connect()); // the probe waits 20 ms for ASB frames
    device.nextJob = 'hang';
    const { sent, onSent } = whenSent();
    const pending = printer.print(JOB, { onSent });
    await sent;
    await printer.close();
    expect(await rejection(pending)).toMatchObject({ code: 'DISCONNECTED', mayHavePrinted: true });
    expect(transport.isOpen).toBe(false);
    expect(printer.connected).toBe(false);
    // Long past every reconnect delay (at most 20 ms): nothing opened the link again.
    for (let elapsed = 0; elapsed < 1000; elapsed += 10) {
      clock.advance(10);
      await delivered();
    }
    expect([device.memory.isConnected, connections()]).toEqual([false, 1]);
    // connect() after close() opens the link again.
    device.hung = false;
    await advanceUntilSettled(clock, printer.connect());
    expect(connections()).toBe(2);
    expect((await printer.print(JOB)).guarantee).toBe('printed');
  });
});
