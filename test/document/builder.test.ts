import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InvalidDocumentError } from '../../src/errors.js';
import { receipt } from '../../src/document/builder.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8'));

describe('receipt() builder', () => {
  it('builds the café fixture exactly as its JSON form', () => {
    const built = receipt('TXN-000123')
      .printer('front')
      .text('CORNER CAFE', { align: 'center', bold: true, size: 2 })
      .text('12 Harbour Street', { align: 'center' })
      .rule()
      .row('Espresso', '2.50')
      .row('Cappuccino large', '4.20')
      .row('Blueberry muffin', '3.10')
      .row('Sparkling water 0.5l', '1.80')
      .row('Avocado toast', '7.90')
      .rule()
      .row('TOTAL', '19.50', { bold: true })
      .line('Card **** **** **** 4242   AUTH 123456')
      .barcode('TXN-000123', { symbology: 'code128' })
      .qr('https://example.com/r/TXN-000123')
      .cut()
      .build();
    expect(built).toStrictEqual(fixture('receipt-cafe.json'));
  });

  it('emits every block kind with only the options given', () => {
    const built = receipt('T-2')
      .row3('2x', 'Tea', '4.00', { font: 'B', size: undefined })
      .rule('=')
      .feed(2)
      .barcode('400638133393', { symbology: 'ean13', hri: 'none' })
      .pdf417('PDF', { width: 2 })
      .cut('full', { feed: 4 })
      .drawer()
      .raw('1b 40')
      .add({ feed: 1 })
      .build();
    expect(built).toStrictEqual({
      transactionId: 'T-2',
      content: [
        { row: ['2x', 'Tea', '4.00'], font: 'B' },
        { rule: { char: '=' } },
        { feed: 2 },
        { barcode: '400638133393', symbology: 'ean13', hri: 'none' },
        { pdf417: 'PDF', width: 2 },
        { cut: 'full', feed: 4 },
        { drawer: true },
        { raw: '1b 40', unsafe: true },
        { feed: 1 },
      ],
    });
  });

  it('methods return the builder itself', () => {
    const builder = receipt('T-3');
    expect(builder.text('a')).toBe(builder);
    expect(builder.cut()).toBe(builder);
  });

  it('build() validates: a file path image must be inlined first, a PAN is refused', () => {
    expect(() => receipt('T-4').image('logo.png').build()).toThrow(InvalidDocumentError);
    expect(receipt('T-4').image('logo.png').toJSON()).toEqual({ transactionId: 'T-4', content: [{ image: 'logo.png' }] });
    expect(() => receipt('T-5').line('4111 1111 1111 1111').build()).toThrow(/CARD|card number/);
    expect(receipt('T-5').line('4111 1111 1111 1111').build({ allowCardNumbers: true }).content).toEqual(['4111 1111 1111 1111']);
  });
});
