/** Receipts as pictures: public surface of src/preview. */
export { renderReceipt, renderPrintedCopy, renderItems, printedItems, drawItems, type RenderOptions, type PrintedCopy } from './render.js';
export { Paper } from './dots.js';
