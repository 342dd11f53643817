/**
 * `npm run bench [-- part...] [--smoke]`: runs the parts (all of them by default) one after the
 * other, prints a table for each and writes bench/results.json. `--smoke` or BENCH_SMOKE=1 runs
 * every part at tiny sizes (to keep the harness working in CI; the numbers mean nothing).
 */
import { encodingPart } from './encoding.js';
import { imagesPart } from './images.js';
import { submitPart } from './submit.js';
import { firstBytePart } from './first-byte.js';
import { linkPart } from './link.js';
import { scalePart } from './scale.js';
import { cliStartupPart } from './cli-startup.js';
import { previewPart } from './preview.js';
import { fleetPart } from './fleet.js';
import { outboxPart } from './outbox.js';
import { parseOptions, runBench, type Part } from './lib/cli.js';

const ALL: [string, Part][] = [
  ['encoding', encodingPart],
  ['images', imagesPart],
  ['submit', submitPart],
  ['first-byte', firstBytePart],
  ['link', linkPart],
  ['scale', scalePart],
  ['cli-startup', cliStartupPart],
  ['preview', previewPart],
  ['fleet', fleetPart],
  ['outbox', outboxPart],
];

const options = parseOptions(process.argv.slice(2));
const unknown = options.parts.filter((name) => !ALL.some(([known]) => known === name));
if (unknown.length > 0) {
  console.error(`unknown part(s): ${unknown.join(', ')}; known: ${ALL.map(([name]) => name).join(', ')}`);
  process.exit(2);
}
const selected = options.parts.length === 0 ? ALL : ALL.filter(([name]) => options.parts.includes(name));
runBench(selected, options, options.out, options.parts.length > 0);
