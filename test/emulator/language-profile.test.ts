/**
 * The language a printer reports (GS I 69) picks the GB18030 variant of its profile: checked on
 * `profileForModel` and end to end — a worker with no explicit profile printing a Chinese
 * receipt to a virtual printer that reports "CHINA GB18030", read back from its journal.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualPrinter } from '../../src/emulator/virtual-printer.js';
import { printerProfileSchema } from '../../src/escpos/profile-schema.js';
import { profileForModel, profiles } from '../../src/escpos/profiles.js';
import { Printer } from '../../src/printer/printer.js';
import { openSpool, type Spool } from '../../src/spool/spool.js';
import { TcpTransport } from '../../src/transport/tcp.js';

describe('profileForModel(model, language)', () => {
  it('a Chinese language gives the GB18030 variant of the model profile, valid against the schema', () => {
    for (const language of ['CHINA GB18030', 'GB2312', 'Simplified Chinese GBK', 'china']) {
      const profile = profileForModel('TM-T88V', language);
      expect(profile.name).toBe('epson-tm-t88-gb18030');
      expect(profile.gb18030).toBe(true);
      expect(printerProfileSchema.parse(profile)).toEqual(profile);
      const { name, description, gb18030, ...rest } = profile;
      const { name: _n, description: _d, gb18030: _g, ...base } = profiles['epson-tm-t88']!;
      expect(rest).toEqual(base);
    }
    expect(profileForModel('POS-80', 'CHINA GB18030').name).toBe('generic-80-gb18030');
    expect(profileForModel('XP-80C', 'CHINA GB18030').name).toBe('xprinter-80'); // GB18030 already
    expect(profileForModel('TM-T88V', 'CHINA GB18030')).toBe(profileForModel('TM-T88V', 'GBK'));
  });

  it('any other language, or none, keeps the model profile', () => {
    expect(profileForModel('TM-T88V', 'ANK').name).toBe('epson-tm-t88');
    expect(profileForModel('TM-T88V', 'JAPANESE').name).toBe('epson-tm-t88');
    expect(profileForModel('TM-T88V').name).toBe('epson-tm-t88');
    expect(profileForModel('TM-T20II', undefined).gb18030).toBe(false);
  });
});

describe('worker with no explicit profile, printer reporting its language', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function printChinese(language: string): Promise<string> {
    const printer = new VirtualPrinter({ language });
    const { port } = await printer.listen();
    cleanups.push(() => printer.close());
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'receipt-spool-language-'));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const spool: Spool = openSpool({ path: path.join(dir, 'spool.db') });
    cleanups.push(() => spool.close({ timeoutMs: 2000 }));
    const link = new Printer({ transport: () => new TcpTransport({ host: '127.0.0.1', port }), timeouts: { confirm: 10_000 } });
    const worker = spool.createWorker({ printer: 'front', link, statusPollMs: 200, retry: { initialMs: 20, maxMs: 200 } }).start();
    cleanups.push(async () => {
      await worker.stop({ timeoutMs: 2000 });
      await link.close();
    });
    const receipt = new Promise<string>((resolve) => printer.on('receipt', (printed) => resolve(printed.text)));
    await spool.submit({ transactionId: 'CN-1', printer: 'front', content: ['收银小票 合计 ¥35.00', { cut: true }] });
    return receipt;
  }

  it('prints Chinese correctly on a printer reporting "CHINA GB18030"', async () => {
    expect(await printChinese('CHINA GB18030')).toBe('收银小票 合计 ¥35.00');
  });

  it('prints it as "?" on one reporting an ordinary language (the profile has no GB18030)', async () => {
    const text = await printChinese('ANK');
    expect(text).toContain('?');
    expect(text).not.toContain('收银小票');
  });
});
