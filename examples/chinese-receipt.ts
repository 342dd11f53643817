/**
 * A Chinese receipt on a GB18030 printer (Kanji mode with FS &, GB18030 bytes), e.g. an
 * Xprinter XP-80. The profile comes from the URI (`?profile=xprinter-80`) or `--profile NAME`,
 * default `xprinter-80`. Without a URI, a virtual Xprinter (GS r only: guarantee `processed`).
 *
 *   npx tsx examples/chinese-receipt.ts "tcp://192.168.1.60:9100?profile=xprinter-80"
 *   npx tsx examples/chinese-receipt.ts usb://0416:5011 --profile xprinter-80
 *   npx tsx examples/chinese-receipt.ts            (no URI: a virtual printer in this process)
 */
import { parseArgs } from 'node:util';
import { encode, getProfile, receipt } from '../src/index.js';
import { explainGuarantee, reportFailure, say } from './support/console.js';
import { finish, openExamplePrinter } from './support/printers.js';

const { values, positionals } = parseArgs({ options: { profile: { type: 'string' } }, allowPositionals: true });
const example = await openExamplePrinter(positionals[0], { maker: 'Xprinter', model: 'XP-80', language: 'CHINA GB18030', processId: false });
try {
  const profile = getProfile(values.profile ?? example.profile ?? 'xprinter-80');
  if (!profile.gb18030) say(`warning: profile ${profile.name} has no GB18030; Chinese characters will print as "?"`);
  const document = receipt('EX-CN-0001')
    .text('好邻居便利店', { align: 'center', bold: true, size: 2 })
    .text('收银小票', { align: 'center' })
    .rule()
    .row('拿铁咖啡 大杯', '¥28.00')
    .row('全麦面包', '¥12.50')
    .row('矿泉水 550ml', '¥2.00')
    .rule()
    .row('合计', '¥42.50', { bold: true })
    .line('银行卡 **** 4242 授权号 654321')
    .qr('https://example.com/r/EX-CN-0001')
    .cut()
    .build();
  const { bytes, warnings } = encode(document, profile);
  for (const warning of warnings) say(`encoder warning at ${warning.path}: ${warning.message}`);
  const result = await example.printer.print(bytes, { jobId: document.transactionId, confirmTimeoutMs: 30_000 });
  say(`${document.transactionId} on profile ${profile.name}: guarantee: ${explainGuarantee(result.guarantee)}`);
} catch (error) {
  reportFailure(error);
} finally {
  await finish(example);
}
