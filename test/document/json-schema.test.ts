import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderReceiptJsonSchema } from '../../src/document/json-schema.js';

const committed = readFileSync(new URL('../../schema/receipt.schema.json', import.meta.url), 'utf8');

describe('schema/receipt.schema.json', () => {
  it('equals freshly generated output (run `npm run schema` after changing src/document/schema.ts)', () => {
    expect(committed).toBe(renderReceiptJsonSchema());
  });

  it('is exported by package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { exports: Record<string, unknown> };
    expect(pkg.exports['./schema/receipt.schema.json']).toBe('./schema/receipt.schema.json');
  });

  it('describes every block kind as a strict object', () => {
    const schema = JSON.parse(committed) as {
      required: string[];
      properties: { content: { maxItems: number; items: { anyOf: { type: string; additionalProperties?: boolean; required?: string[] }[] } } };
    };
    expect(schema.required).toEqual(['transactionId', 'content']);
    expect(schema.properties.content.maxItems).toBe(2000);
    const objects = schema.properties.content.items.anyOf.filter((option) => option.type === 'object');
    expect(objects.map((option) => option.required?.[0])).toEqual(['text', 'row', 'rule', 'feed', 'barcode', 'qr', 'pdf417', 'image', 'cut', 'drawer', 'raw']);
    expect(objects.every((option) => option.additionalProperties === false)).toBe(true);
  });
});
