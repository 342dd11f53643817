/**
 * The published JSON Schema (draft 2020-12) of a receipt document, rendered from the zod
 * schema. Character rules, barcode data and the PNG header check are runtime-only.
 */
import { z } from 'zod';
import { ReceiptDocumentSchema } from './schema.js';

export function receiptJsonSchema(): Record<string, unknown> {
  const { $schema, ...rest } = z.toJSONSchema(ReceiptDocumentSchema, { target: 'draft-2020-12' }) as Record<string, unknown>;
  return { $schema, $id: 'https://unpkg.com/receipt-spool/schema/receipt.schema.json', ...rest };
}

/** The exact text of `schema/receipt.schema.json`. */
export function renderReceiptJsonSchema(): string {
  return JSON.stringify(receiptJsonSchema(), null, 2) + '\n';
}
