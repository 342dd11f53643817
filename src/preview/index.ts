/** Receipts as pictures: public surface of src/preview. */
export { renderReceipt, renderItems, printedItems, drawItems, type RenderOptions } from './render.js';
export { Paper } from './dots.js';
