/** Loader hooks of module-recorder.mjs (they run on the loader thread): one `esm URL` line per loaded module. */
import { appendFileSync } from 'node:fs';

let file;

export function initialize(data) {
  file = data.file;
}

export async function load(url, context, nextLoad) {
  appendFileSync(file, `esm ${url}\n`);
  return nextLoad(url, context);
}
