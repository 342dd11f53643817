import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/printer/clock.js';
import { Connection } from '../../src/printer/connection.js';
import { ReplyQueue, ReplyTimeoutError } from '../../src/printer/reply-queue.js';
import { frameJob, ID_ALPHABET, processIdAt, processIdRequest, TRANSMIT_PAPER_STATUS } from '../../src/printer/requests.js';
import { ManualClock, MemoryTransport } from '../../src/exports/testing.js';
import { ScriptedPrinter } from './scripted-escpos.js';

describe('ReplyQueue', () => {
  it('pairs replies with requests in order', async () => {
    const queue = new ReplyQueue<number>(systemClock, 100);
    const a = queue.expect(1000);
    const b = queue.expect(1000);
    expect(queue.deliver(1)).toBe(true);
    expect(queue.deliver(2)).toBe(true);
    expect([await a.promise, await b.promise]).toEqual([1, 2]);
    expect(queue.deliver(3)).toBe(false);
  });

  it('a timed-out request swallows its late reply, so the next request is not answered with it', async () => {
    const clock = new ManualClock();
    const advance = (ms: number) => clock.advance(ms);
    const queue = new ReplyQueue<number>(clock, 500);
    const late = queue.expect(100);
    advance(100);
    await expect(late.promise).rejects.toBeInstanceOf(ReplyTimeoutError);
    const next = queue.expect(100);
    expect(queue.deliver(0xaa)).toBe(false); // the late reply
    expect(queue.deliver(0xbb)).toBe(true);
    expect(await next.promise).toBe(0xbb);
  });

  it('a tombstone expires when its reply never comes', async () => {
    const clock = new ManualClock();
    const advance = (ms: number) => clock.advance(ms);
    const queue = new ReplyQueue<number>(clock, 500);
    queue.expect(100);
    advance(100);
    advance(600);
    const next = queue.expect(100);
    expect(queue.deliver(0xcc)).toBe(true);
    expect(await next.promise).toBe(0xcc);
  });
});

describe('process ID high-water rule', () => {
  it('a later ID we sent confirms the earlier ones; an unknown ID confirms nothing', async () => {
    const device = new ScriptedPrinter('pairing');
    const transport = new MemoryTransport(device.memory.name);
    await transport.open();
    const connection = new Connection(transport, systemClock, { asb: () => {}, closed: () => {} }, 100);
    const first = connection.expectProcessId('0001');
    const second = connection.expectProcessId('0002');
    const third = connection.expectProcessId('0003');
    let thirdDone = false;
    void third.promise.then(() => (thirdDone = true));
    device.send([0x37, 0x22, ...Buffer.from('9999'), 0x00]);
    device.send([0x37, 0x22, ...Buffer.from('0002'), 0x00]);
    expect(await first.promise).toBe('0002');
    expect(await second.promise).toBe('0002');
    await new Promise((resolve) => setImmediate(resolve));
    expect(thirdDone).toBe(false);
    expect(connection.dropped.stale).toBe(1);
    connection.dispose(new Error('done'));
    await transport.close();
  });
});

describe('request bytes', () => {
  it('process IDs count in 0x30–0x7E and make valid GS ( H fn 48 requests', () => {
    expect(processIdAt(0)).toBe('0000');
    expect(processIdAt(1)).toBe('0001');
    expect(processIdAt(ID_ALPHABET)).toBe('0010');
    expect(processIdAt(ID_ALPHABET ** 4 - 1)).toBe('~~~~');
    expect([...processIdRequest(processIdAt(1))]).toEqual([0x1d, 0x28, 0x48, 0x06, 0x00, 0x30, 0x30, 0x30, 0x30, 0x30, 0x31]);
  });

  it('frameJob puts GS a right after a leading ESC @ and again before the confirmation', () => {
    const job = Uint8Array.of(0x1b, 0x40, 0x41, 0x0a);
    expect([...frameJob(job, 0x0f, TRANSMIT_PAPER_STATUS)]).toEqual([0x1b, 0x40, 0x1d, 0x61, 0x0f, 0x41, 0x0a, 0x1d, 0x61, 0x0f, 0x1d, 0x72, 0x31]);
    expect([...frameJob(Uint8Array.of(0x41), 0x0f, new Uint8Array(0))]).toEqual([0x41, 0x1d, 0x61, 0x0f]);
  });
});
