/**
 * Writes schema/receipt.schema.json from the zod schema (`npm run schema`). The file is
 * committed and published; test/document/json-schema.test.ts fails if it drifts.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderReceiptJsonSchema } from '../src/document/json-schema.js';

const target = fileURLToPath(new URL('../schema/receipt.schema.json', import.meta.url));
writeFileSync(target, renderReceiptJsonSchema());
console.log(`wrote ${target}`);
