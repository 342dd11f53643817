/**
 * Every example (and the demo) run as a user would, with no printer URI: each starts its own
 * virtual printer, must exit 0 and must show the receipt it printed and the guarantee reached.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { stopChild } from '../../src/child-process.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface Run {
  code: number | null;
  output: string;
}

/** `node --import tsx examples/<name>.ts`, no terminal on stdin; killed if it outlives `timeoutMs`. */
function runExample(name: string, timeoutMs = 60_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `examples/${name}.ts`], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const timer = setTimeout(() => {
      void stopChild(child, { signal: 'SIGKILL' });
      reject(new Error(`examples/${name}.ts still running after ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('examples against the virtual printer', () => {
  it('print-receipt prints the receipt and reaches `printed`', async () => {
    const { code, output } = await runExample('print-receipt');
    expect(code, output).toBe(0);
    expect(output).toContain('EX-PRINT-0001: ');
    expect(output).toMatch(/guarantee: printed/);
    expect(output).toContain('Almond croissant');
    expect(output).toContain('(complete)');
  });

  it('status shows status, identity and the confirmation mode', async () => {
    const { code, output } = await runExample('status');
    expect(code, output).toBe(0);
    expect(output).toContain('status: online, no fault');
    expect(output).toContain('identity: EPSON TM-T88V');
    expect(output).toContain('confirmation mode: process-id');
  });

  it('chinese-receipt prints the Chinese text on the GB18030 profile', async () => {
    const { code, output } = await runExample('chinese-receipt');
    expect(code, output).toBe(0);
    expect(output).toContain('on profile xprinter-80: guarantee: processed');
    expect(output).toContain('好 邻 居 便 利 店'); // double width
    expect(output).toContain('拿铁咖啡 大杯');
    expect(output).not.toContain('?');
  });

  it('logo prints the image', async () => {
    const { code, output } = await runExample('logo');
    expect(code, output).toBe(0);
    expect(output).toContain('[IMAGE 576x400]');
    expect(output).toMatch(/EX-LOGO-0001: guarantee: printed/);
  });

  it('pos-integration survives the paper-out with an operator prompt and an audited, marked reprint', async () => {
    const { code, output } = await runExample('pos-integration');
    expect(code, output).toBe(0);
    expect(output).toContain('OPERATOR: paper out on front');
    expect(output).toContain('no terminal: answering the prompt automatically');
    expect(output).toMatch(/POS-0002 \(marked copy 2\) confirmed: printed/);
    expect(output).toContain('POS-0001 reprinted by cashier-7');
    expect(output).toContain('confirming → needs-attention (PAPER_END)');
    expect(output).toContain('R E P R I N T'); // the mark, printed double width
  });

  it('node-thermal-printer-bridge prints through the spool and through the link', async () => {
    const { code, output } = await runExample('node-thermal-printer-bridge');
    expect(code, output).toBe(0);
    expect(output).toContain('spoolInterface: execute() resolved "queued"');
    expect(output).toMatch(/NTP-0001: printed/);
    expect(output).toMatch(/linkInterface: NTP-0002: printed/);
    expect(output).toContain('NTP BAKERY');
  });

  it('the demo shows the paper-out, needs-attention and the automatic REPRINT, then exits 0', async () => {
    const { code, output } = await runExample('demo');
    expect(code, output).toBe(0);
    expect(output).toContain('the paper roll runs out in the middle of TXN-1003');
    expect(output).toContain('TXN-1003 is now "needs-attention" — cause: paper out on counter (PAPER_END)');
    expect(output).toMatch(/TXN-1003 \(INCOMPLETE: cleared\)/);
    expect(output).toMatch(/R E P R I N T/);
    expect(output).toContain('reprinted TXN-1003 (in-doubt), marked copy 2');
    expect(output).toContain('好 邻 居 便 利 店');
    expect(output).toContain('demo finished: temporary spool removed');
  });
});
