/**
 * ESC/GS/DLE/FS bytes inside text never reach the printer as commands. Random strings with
 * control characters (C0, C1, DEL), CJK and Latin go into every text-bearing field; the bytes
 * the encoder produces are read back by the emulator's own parser and virtual printer (the
 * independent printer-side implementation) and must contain only the commands the document's
 * block structure asks for.
 *
 * Longer run: FUZZ_RUNS=100000 npx vitest run test/hardening/escape-injection.test.ts (FUZZ_SEED replays).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Block, ReceiptDocument } from '../../src/document/types.js';
import { checkReceipt } from '../../src/document/validate.js';
import { ManualClock } from '../../src/emulator/clock.js';
import { EscPosParser, type ParsedOp } from '../../src/emulator/parser.js';
import { VirtualPrinter } from '../../src/emulator/virtual-printer.js';
import { encode, encodeCommands } from '../../src/escpos/encoder.js';
import { profiles, type PrinterProfile } from '../../src/escpos/profiles.js';
import { fuzz, logSeed } from './helpers.js';

logSeed('escape-injection.test.ts');

const CONTROL_UNITS = ['\x1b', '\x1d', '\x10', '\x1c', '\x00', '\x04', '\x0c', '\x18', '\x7f', '\x80', '\x85', '\x9b', '\x9f', '\r', '\n', '\t'];
const INJECTIONS = [
  '\x1b@',
  '\x1dV\x00',
  '\x1bp\x00\x19\xfa',
  '\x10\x04\x01',
  '\x10\x14\x08\x01\x03\x14\x01\x06\x02\x08',
  '\x1d(H\x06\x0000ABCD',
  '\x1c&',
  '\x1bt\x10',
  '\x1b!\x38',
];
const OTHER_UNITS = ['a', 'Z', '@', 'V', 'p', '!', ' ', 'é', 'Ж', '€', '超', '市', '重', '打', '😀', '\ud800', '\udc00', '\u200b'];

const unit = fc.oneof(fc.constantFrom(...CONTROL_UNITS), fc.constantFrom(...INJECTIONS), fc.constantFrom(...OTHER_UNITS));
const hostile = (minLength = 0) => fc.array(unit, { minLength, maxLength: 20 }).map((parts) => parts.join(''));

const textBlock: fc.Arbitrary<Block> = fc.oneof(
  hostile(),
  fc.record({ text: hostile(), bold: fc.boolean(), size: fc.integer({ min: 1, max: 3 }), align: fc.constantFrom('left', 'center', 'right') }, { requiredKeys: ['text'] }),
  fc.tuple(hostile(), hostile()).map(([a, b]) => ({ row: [a, b] as [string, string] })),
  fc.tuple(hostile(), hostile(), hostile()).map(([a, b, c]) => ({ row: [a, b, c] as [string, string, string] })),
  unit.map((char) => ({ rule: { char } })),
  hostile(1).map((barcode) => ({ barcode, symbology: 'code128' as const })),
  hostile(1).map((qr) => ({ qr })),
  hostile(1).map((pdf417) => ({ pdf417 })),
) as fc.Arbitrary<Block>;

const structureBlock = fc.constantFrom<Block>({ cut: true }, { cut: 'full' }, { drawer: 2 }, { feed: 2 });
const documentArb = fc.array(fc.oneof({ weight: 4, arbitrary: textBlock }, { weight: 1, arbitrary: structureBlock }), { maxLength: 10 });
const profileArb = fc.constantFrom(...Object.values(profiles));

type Kind = 'cut' | 'drawer';
const count = (content: readonly Block[], kind: Kind) => content.filter((b) => typeof b === 'object' && kind in b).length;

/** Hostile bytes that must never survive into printable text. */
const FORBIDDEN_IN_TEXT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

function fieldStrings(content: readonly Block[]): { text: string[]; symbols: string[] } {
  const text: string[] = [];
  const symbols: string[] = [];
  for (const block of content) {
    if (typeof block === 'string') text.push(block);
    else if ('text' in block) text.push(block.text);
    else if ('row' in block) text.push(...block.row);
    else if ('rule' in block && typeof block.rule === 'object' && block.rule.char) text.push(block.rule.char);
    else if ('barcode' in block) text.push(block.barcode);
    else if ('qr' in block) symbols.push(block.qr);
    else if ('pdf417' in block) symbols.push(block.pdf417);
  }
  return { text, symbols };
}

const describeOp = (op: ParsedOp): string => (op.type === 'command' ? op.name : op.type === 'control' ? `control ${op.byte}` : 'text');

/**
 * The encoder's intended commands, each parsed alone by the emulator's parser: text runs parse
 * as text only, LF as the one control byte, and every other command as exactly one known
 * command of exactly its own length. Then the whole stream, parsed at once, must show the same
 * commands in the same order: text can neither start a command nor swallow the next one.
 */
function checkAlignment(document: ReceiptDocument, profile: PrinterProfile): void {
  const { commands } = encodeCommands(document, profile, { mark: { copy: 2, time: '2026-01-01T00:00:00Z' } });
  const intended: string[] = [];
  for (const command of commands) {
    const ops = new EscPosParser().push(command.payload);
    if (command.type === 'text') {
      expect(ops.map(describeOp).filter((d) => d !== 'text')).toEqual([]);
    } else if (command.type === 'LF') {
      expect(ops.map(describeOp)).toEqual(['control 10']);
      intended.push('control 10');
    } else {
      expect({ type: command.type, ops: ops.map((op) => ({ op: describeOp(op), known: op.type === 'command' && op.known, size: op.size })) }).toEqual({
        type: command.type,
        ops: [{ op: expect.any(String), known: true, size: command.payload.length }],
      });
      intended.push(describeOp(ops[0]!));
    }
  }
  const { bytes } = encode(document, profile, { mark: { copy: 2, time: '2026-01-01T00:00:00Z' } });
  const parser = new EscPosParser();
  const seen = parser
    .push(bytes)
    .map(describeOp)
    .filter((d) => d !== 'text');
  expect(parser.pendingBytes).toBe(0);
  expect(seen).toEqual(intended);
}

/** What the virtual printer did with the bytes: only the document's cuts and drawer kicks, nothing unknown. */
function checkOnPrinter(document: ReceiptDocument, profile: PrinterProfile): void {
  const { bytes } = encode(document, profile);
  const ops = new EscPosParser().push(bytes);
  const names = ops.filter((op) => op.type === 'command').map((op) => (op as { name: string }).name);
  expect(ops.filter((op) => op.type === 'command' && (!op.known || op.realtime))).toEqual([]);
  expect(ops.filter((op) => op.type === 'control' && op.byte !== 0x0a)).toEqual([]);
  expect(names.filter((n) => n === 'ESC @')).toHaveLength(1);
  expect(names.filter((n) => n === 'GS V')).toHaveLength(profile.cutter.full || profile.cutter.partial ? count(document.content, 'cut') : 0);
  expect(names.filter((n) => n === 'ESC p')).toHaveLength(profile.drawer ? count(document.content, 'drawer') : 0);
  for (const forbidden of ['GS ( H', 'ESC =', 'GS a', 'GS r', 'GS I', 'ESC c', 'ESC D', 'GS :', 'ESC {']) expect(names).not.toContain(forbidden);

  const printer = new VirtualPrinter({ clock: new ManualClock() });
  let rest: Uint8Array = bytes;
  for (let taken = 1; rest.length > 0 && taken > 0; rest = rest.subarray(taken)) taken = printer.receive(rest);
  expect(rest.length).toBe(0);
  expect(printer.journal.unknownCommands).toEqual([]);
  const cuts = profile.cutter.full || profile.cutter.partial ? count(document.content, 'cut') : 0;
  expect(printer.journal.receipts).toHaveLength(cuts);
  const items = [...printer.journal.receipts.flatMap((r) => r.items), ...printer.journal.current];
  expect(items.filter((i) => i.kind === 'drawer')).toHaveLength(profile.drawer ? count(document.content, 'drawer') : 0);
  for (const item of items) if (item.kind === 'text') expect(item.text).not.toMatch(FORBIDDEN_IN_TEXT);
  expect(printer.state.online).toBe(true);
  void printer.close();
}

describe('control characters in text never become printer commands', () => {
  it('property: through validation, hostile text is rejected, or encodes to exactly the intended commands', () => {
    let accepted = 0;
    let rejected = 0;
    fc.assert(
      fc.property(documentArb, profileArb, (content, profile) => {
        const checked = checkReceipt({ transactionId: 'TXN-ESC', content });
        if (!checked.ok) {
          rejected++;
          return;
        }
        accepted++;
        const { text, symbols } = fieldStrings(checked.document.content);
        for (const value of text) expect(value).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
        for (const value of symbols) expect(value).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/);
        checkAlignment(checked.document, profile);
        checkOnPrinter(checked.document, profile);
      }),
      fuzz(300),
    );
    expect(accepted).toBeGreaterThan(0);
    expect(rejected).toBeGreaterThan(0);
  });

  it('property: validation bypassed, encode() replaces control characters with "?" (warning) and sends only intended commands', () => {
    fc.assert(
      fc.property(documentArb, profileArb, (content, profile) => {
        const document = { transactionId: 'TXN-RAW', content } as ReceiptDocument;
        const { warnings } = encode(document, profile);
        const printedText = content.filter((b) => typeof b === 'string' || 'text' in b || 'row' in b);
        if (printedText.length > 0 && fieldStrings(printedText).text.some((t) => /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(t))) {
          expect(warnings.map((w) => w.code)).toContain('CONTROL_CHARACTER');
        }
        checkAlignment(document, profile);
        checkOnPrinter(document, profile);
      }),
      fuzz(300),
    );
  });

  it('every single byte 0x00–0x9F as text: printed as "?" (or a line break / space), never as a command', () => {
    for (const profile of Object.values(profiles)) {
      for (let code = 0; code <= 0x9f; code++) {
        const char = String.fromCharCode(code);
        const document: ReceiptDocument = { transactionId: 'T', content: [`a${char}b`, { row: [`${char}x`, `y${char}`] }, { text: `${char}\x1b@${char}` }] };
        checkAlignment(document, profile);
        checkOnPrinter(document, profile);
      }
    }
  });

  it('known attack strings (reset, cut, drawer kick, buffer clear, fake process ID) print as text', () => {
    const content: Block[] = INJECTIONS.flatMap((attack) => [attack, { text: `x${attack}y` }, { row: [attack, attack] }]);
    const document: ReceiptDocument = { transactionId: 'T', content: [...content, { cut: true }] };
    expect(checkReceipt(document).ok).toBe(false);
    for (const profile of Object.values(profiles)) {
      checkAlignment(document, profile);
      checkOnPrinter(document, profile);
    }
  });
});
