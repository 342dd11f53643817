/**
 * Commands that talk to a printer, run as the built binary against a virtual printer in the
 * test process: print, status, worker (including SIGKILL and restart), emulate and fault.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { stopChild } from '../../src/child-process.js';
import { socat, udevadm } from '../support/requirements.js';
import { cleanup, eventually, jsonLines, receiptJson, runCli, startCli, startPrinter, tempStore } from './helpers.js';

afterEach(cleanup);

async function jobState(db: string, id: string): Promise<Record<string, unknown> | undefined> {
  const listed = await runCli(['list', '--db', db, '--json']);
  return jsonLines(listed.stdout).find((job) => job['transactionId'] === id && job['kind'] === 'original');
}

describe('print', () => {
  it('prints and reports the guarantee "printed" from a printer with process-ID replies', async () => {
    const { vp, uri } = await startPrinter();
    const { db } = tempStore();
    const result = await runCli(['print', '-', '--printer', uri, '--db', db, '--json'], { input: receiptJson('P-1') });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(jsonLines(result.stdout)[0]).toMatchObject({ ok: true, guarantee: 'printed', job: { transactionId: 'P-1', state: 'printed' }, error: null });
    expect(vp.journal.receipts.map((r) => r.text)).toEqual([expect.stringContaining('receipt P-1')]);

    const human = await runCli(['print', '-', '--printer', uri, '--db', db], { input: receiptJson('P-2') });
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('P-2: printed');
  });

  it('says "processed" for a printer without GS ( H', async () => {
    const { uri } = await startPrinter({ processId: false });
    const { db } = tempStore();
    const result = await runCli(['print', '-', '--printer', uri, '--db', db, '--json'], { input: receiptJson('P-3') });
    expect(result.code).toBe(0);
    expect(jsonLines(result.stdout)[0]).toMatchObject({ ok: true, guarantee: 'processed' });
  });

  it('exits 1 with the reason when the paper is out, and the job stays queued', async () => {
    const { vp, uri } = await startPrinter();
    vp.paperOut();
    const { db } = tempStore();
    const result = await runCli(['print', '-', '--printer', uri, '--db', db, '--timeout', '20'], { input: receiptJson('P-4') });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('paper out');
    expect(result.stderr).toContain('the job stays needs-attention');
    expect(await jobState(db, 'P-4')).toMatchObject({ state: 'needs-attention' });
  });

  it('accepts "sent" from a one-way printer only with --allow-unconfirmed', async () => {
    const { vp, uri } = await startPrinter({ oneWay: true });
    const { db } = tempStore();
    const refused = await runCli(['print', '-', '--printer', uri, '--db', db, '--timeout', '20'], { input: receiptJson('P-5') });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/P-5 was not confirmed: .*one-way/);

    // A one-way printer is as silent as a hung one: the job is not given up but retried (nothing
    // was written), and print --allow-unconfirmed accepts "sent".
    expect(refused.stderr).toContain('the job stays retrying');
    expect(await jobState(db, 'P-5')).toMatchObject({ state: 'retrying', lastErrorCode: 'ONE_WAY' });
    const accepted = await runCli(['print', '-', '--printer', uri, '--db', db, '--allow-unconfirmed', '--json'], { input: receiptJson('P-5') });
    expect(accepted.code).toBe(0);
    expect(jsonLines(accepted.stdout)[0]).toMatchObject({ ok: true, guarantee: 'sent' });
    await eventually(async () => (vp.journal.receipts.some((r) => r.text.includes('receipt P-5')) ? true : undefined));
  });

  it('exits 2 naming the wrong part of a bad URI, a bad number or a missing printer, and queues nothing', async () => {
    const { db } = tempStore();
    const port = await runCli(['print', '-', '--printer', 'tcp://127.0.0.1:70000', '--db', db], { input: receiptJson('P-6') });
    expect(port.code).toBe(2);
    expect(port.stderr).toContain('port');
    const scheme = await runCli(['print', '-', '--printer', 'ftp://x', '--db', db], { input: receiptJson('P-6') });
    expect(scheme.code).toBe(2);
    expect(scheme.stderr).toContain('scheme');
    const injected = await runCli(['print', '-', '--printer', 'tcp://$(touch /tmp/x);:9100', '--db', db], { input: receiptJson('P-6') });
    expect(injected.code).toBe(2);
    const timeout = await runCli(['print', '-', '--printer', 'tcp://127.0.0.1:9100', '--timeout', 'soon', '--db', db], { input: receiptJson('P-6') });
    expect(timeout.code).toBe(2);
    expect(timeout.stderr).toContain('"soon" is not a positive number');
    const none = await runCli(['print', '-', '--db', db], { input: receiptJson('P-6') });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('RECEIPT_SPOOL_PRINTER');
    expect((await runCli(['list', '--db', db, '--json'])).stdout).toBe('');
  });
});

describe('status', () => {
  it('reports decoded status, identity and confirmation with the printer layer field names', async () => {
    const { vp, uri } = await startPrinter({ model: 'TM-T20II' });
    vp.paperNearEnd();
    const result = await runCli(['status', '--printer', uri, '--json']);
    expect(result.code).toBe(0);
    const [report] = jsonLines(result.stdout);
    expect(report).toMatchObject({
      uri,
      status: { online: true, paperEnd: false, paperNearEnd: true, coverOpen: false, cutterError: false },
      identity: { maker: 'EPSON', model: 'TM-T20II' },
      confirmation: 'process-id',
      profile: 'epson-tm-t20',
    });
    const human = await runCli(['status', '--printer', uri]);
    expect(human.stdout).toContain('paper near end');
    expect(human.stdout).toContain('EPSON TM-T20II');
  });

  it('exits 1 when the printer cannot be reached and 2 for a bad URI', async () => {
    const { vp, port } = await startPrinter();
    await vp.close();
    const down = await runCli(['status', '--printer', `tcp://127.0.0.1:${port}`]);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain(`tcp://127.0.0.1:${port}`);
    const bad = await runCli(['status', '--printer', 'usb://zz:01']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('vendorId');
  });
});

describe('worker', () => {
  it('prints what another process submitted, logs JSON lines without documents, and stops on SIGTERM', async () => {
    const { vp, uri } = await startPrinter();
    const { db } = tempStore();
    await runCli(['submit', '-', '--db', db], { input: receiptJson('W-1', { content: ['SECRET-LINE W-1', { cut: true }] }) });
    const worker = startCli(['worker', '--printer', uri, '--db', db, '--json']);
    await worker.waitForLine((line) => line.includes('"event":"printed"') && line.includes('W-1'));
    expect(vp.journal.receipts.map((r) => r.text)).toEqual(['SECRET-LINE W-1']);

    // Submitted while the worker runs: picked up without a restart.
    await runCli(['submit', '-', '--db', db], { input: receiptJson('W-2') });
    await worker.waitForLine((line) => line.includes('"event":"printed"') && line.includes('W-2'));

    await stopChild(worker.child);
    expect(await worker.exited).toBe(0);
    const events = worker.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events[0]).toMatchObject({ event: 'started', printer: 'default' });
    expect(events.at(-1)).toMatchObject({ event: 'stopped' });
    expect(worker.lines.join('\n')).not.toContain('SECRET-LINE');
  });

  it('survives paper out: needs-attention, then prints once paper is loaded', async () => {
    const { vp, uri } = await startPrinter();
    const { db } = tempStore();
    vp.paperOut();
    await runCli(['submit', '-', '--db', db], { input: receiptJson('W-3') });
    const worker = startCli(['worker', '--printer', uri, '--db', db]);
    await worker.waitForLine((line) => line.includes('NEEDS ATTENTION: paper out'));
    const health = jsonLines((await runCli(['health', '--db', db, '--json'])).stdout);
    expect(health).toEqual([expect.objectContaining({ printer: 'default', ready: false, reason: 'paper out' })]);
    vp.loadPaper();
    await worker.waitForLine((line) => line.includes('printed: W-3'));
    expect(worker.child.exitCode).toBeNull();
    expect(vp.journal.receipts.filter((r) => r.complete && r.text.includes('receipt W-3'))).toHaveLength(1);
  });

  it('loses nothing when killed with SIGKILL mid-job: a restarted worker finishes it (marked if in doubt)', { timeout: 120_000 }, async () => {
    // Slow printing so the job is in flight when the worker dies.
    const { vp, uri } = await startPrinter({ linesPerSecond: 10 });
    const { db } = tempStore();
    const lines = Array.from({ length: 30 }, (_, i) => `K-1 line ${i + 1}`);
    await runCli(['submit', '-', '--db', db], { input: JSON.stringify({ transactionId: 'K-1', content: [...lines, { cut: true }] }) });

    const first = startCli(['worker', '--printer', uri, '--db', db, '--json']);
    await first.waitForLine((line) => line.includes('"event":"printing"'));
    await eventually(async () => (vp.state.bufferedBytes > 0 || vp.state.printing ? true : undefined));
    await stopChild(first.child, { signal: 'SIGKILL' });
    await first.exited;

    // The dead worker's lease must expire before another takes the printer.
    const second = startCli(['worker', '--printer', uri, '--db', db, '--json']);
    await second.waitForLine((line) => line.includes('"event":"printed"') && line.includes('K-1'), 90_000);
    expect(await jobState(db, 'K-1')).toMatchObject({ state: 'printed' });

    await eventually(async () => (vp.journal.receipts.filter((r) => r.text.includes('K-1 line 30')).length >= 1 && !vp.state.printing ? true : undefined));
    const copies = vp.journal.receipts.filter((r) => r.text.includes('K-1 line 1'));
    expect(copies.some((r) => r.complete)).toBe(true);
    // At most one unmarked copy: every copy after the first carries the reprint mark.
    expect(copies.filter((r) => !r.text.includes('REPRINT')).length).toBeLessThanOrEqual(1);
    // The job was in flight when the worker died: the restarted worker's copy is the last, complete and marked.
    expect(copies.at(-1)).toMatchObject({ complete: true });
    expect(copies.at(-1)!.text).toContain('REPRINT');
  });

  it('exits 2 for a bad printer URI or a bad --fallback', async () => {
    const { db } = tempStore();
    const bad = await runCli(['worker', '--printer', 'serial:', '--db', db]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('path');
    const fallback = await runCli(['worker', '--printer', 'tcp://127.0.0.1:9100', '--fallback', 'tcp://', '--db', db]);
    expect(fallback.code).toBe(2);
    expect(fallback.stderr).toContain('host');
  });
});

describe('emulate and fault', () => {
  it('serves a printer, shows receipts as text, and takes faults from another process', async () => {
    const emulator = startCli(['emulate', '--port', '0', '--control-port', '0', '--json']);
    const listening = JSON.parse(await emulator.waitForLine((line) => line.includes('"listening"'))) as { uri: string; controlPort: number };
    const { db } = tempStore();

    const printed = await runCli(['print', '-', '--printer', listening.uri, '--db', db], { input: receiptJson('E-1') });
    expect(printed.code).toBe(0);
    const receipt = JSON.parse(await emulator.waitForLine((line) => line.includes('"receipt"'))) as { text: string; complete: boolean };
    expect(receipt).toMatchObject({ complete: true });
    expect(receipt.text).toContain('receipt E-1');

    const fault = await runCli(['fault', 'paper-out', '--control-port', String(listening.controlPort), '--json']);
    expect(fault.code).toBe(0);
    expect(jsonLines(fault.stdout)[0]).toMatchObject({ ok: true, state: { paperOut: true } });
    const status = await runCli(['status', '--printer', listening.uri, '--json']);
    expect(jsonLines(status.stdout)[0]).toMatchObject({ status: { paperEnd: true } });

    const unknown = await runCli(['fault', 'meteor-strike', '--control-port', String(listening.controlPort)]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('"meteor-strike" is not a fault');

    await stopChild(emulator.child, { signal: 'SIGINT' });
    expect(await emulator.exited).toBe(0);
  });

  it('reports the --maker, --model and --language it was given (GS I), so the profile follows the language', async () => {
    const emulator = startCli(['emulate', '--port', '0', '--control-port', '0', '--json', '--maker', 'EPSON', '--model', 'TM-T88V', '--language', 'CHINA GB18030']);
    const listening = JSON.parse(await emulator.waitForLine((line) => line.includes('"listening"'))) as { uri: string };
    const status = await runCli(['status', '--printer', listening.uri, '--json']);
    expect(status.code).toBe(0);
    expect(jsonLines(status.stdout)[0]).toMatchObject({
      identity: { maker: 'EPSON', model: 'TM-T88V', language: 'CHINA GB18030' },
      profile: 'epson-tm-t88-gb18030',
    });
    await stopChild(emulator.child, { signal: 'SIGINT' });
    expect(await emulator.exited).toBe(0);
  });

  // Issue 20: clones answering only some DLE EOT n used to be refused as one-way.
  for (const flags of [
    ['--dialect', 'clone-eot-1-4'],
    ['--status-replies', '2', '--no-process-id'],
  ]) {
    it(`print against emulate ${flags.join(' ')}: printed and confirmed "processed"`, async () => {
      const emulator = startCli(['emulate', '--port', '0', '--control-port', '0', '--json', ...flags]);
      const listening = JSON.parse(await emulator.waitForLine((line) => line.includes('"listening"'))) as { uri: string };
      const { db } = tempStore();
      const printed = await runCli(['print', '-', '--printer', listening.uri, '--db', db, '--json'], { input: receiptJson('D-1') });
      expect(printed.stderr).toBe('');
      expect(jsonLines(printed.stdout)[0]).toMatchObject({ ok: true, guarantee: 'processed', job: { state: 'printed' } });
      const receipt = JSON.parse(await emulator.waitForLine((line) => line.includes('"receipt"'))) as { text: string; complete: boolean };
      expect(receipt).toMatchObject({ complete: true });
      expect(receipt.text).toContain('receipt D-1');
      expect(await stopChild(emulator.child, { signal: 'SIGINT' })).toMatchObject({ code: 0 });
    });
  }

  it('emulate --pty without socat exits 1 naming socat and how to install it; this process and its parent live on', async () => {
    const { dir } = tempStore(); // an empty directory: a PATH with no socat on it
    const result = await runCli(['emulate', '--pty', '--port', '0', '--control-port', '0'], { env: { PATH: dir } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('socat is not installed');
    expect(result.stderr).toContain('apt-get install socat');
    expect(process.kill(process.pid, 0) && process.kill(process.ppid, 0)).toBe(true);
  });

  it.skipIf(!socat.available)('emulate --pty also serves a serial printer on a pseudo-terminal', async () => {
    const emulator = startCli(['emulate', '--pty', '--port', '0', '--control-port', '0', '--json']);
    const listening = JSON.parse(await emulator.waitForLine((line) => line.includes('"listening"'))) as { ptyPath: string };
    const { db } = tempStore();
    const printed = await runCli(['print', '-', '--printer', `serial:${listening.ptyPath}`, '--db', db], { input: receiptJson('PTY-1') });
    expect({ code: printed.code, stderr: printed.stderr }).toEqual({ code: 0, stderr: '' });
    const receipt = JSON.parse(await emulator.waitForLine((line) => line.includes('"receipt"'))) as { text: string; complete: boolean };
    expect(receipt).toMatchObject({ complete: true });
    expect(receipt.text).toContain('receipt PTY-1');
    expect(await stopChild(emulator.child, { signal: 'SIGINT' })).toMatchObject({ code: 0 });
  });

  it('fault exits 1 when no emulator listens, and emulate exits 2 for a bad port', async () => {
    const { vp, port } = await startPrinter();
    await vp.close();
    const fault = await runCli(['fault', 'load-paper', '--control-port', String(port)]);
    expect(fault.code).toBe(1);
    expect(fault.stderr).toContain("cannot reach the emulator's control port");
    const bad = await runCli(['emulate', '--port', 'ninety']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"ninety" is not a port number');
  });
});

describe('printers', () => {
  it('lists USB printers and serial ports as JSON lines, or says why a kind cannot be listed', async () => {
    const result = await runCli(['printers', '--json']);
    expect(result.code).toBe(0);
    const entries = jsonLines(result.stdout);
    for (const entry of entries) {
      expect(['usb', 'serial']).toContain(entry['kind']);
      // Either a device with the URI to use, or the reason this kind is unavailable here.
      if ('unavailable' in entry) expect(typeof entry['unavailable']).toBe('string');
      else expect(String(entry['uri'])).toMatch(/^(usb|serial):/);
    }
    const human = await runCli(['printers']);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/USB: |usb\t|no USB printers or serial ports found|KIND/);
    const bad = await runCli(['printers', '--all']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown option '--all'");
  });

  it.skipIf(!udevadm.available)('lists serial ports through udevadm instead of saying they cannot be listed', async () => {
    const result = await runCli(['printers', '--json']);
    expect(result.code).toBe(0);
    const serial = jsonLines(result.stdout).filter((entry) => entry['kind'] === 'serial');
    expect(serial.filter((entry) => 'unavailable' in entry)).toEqual([]);
  });
});
