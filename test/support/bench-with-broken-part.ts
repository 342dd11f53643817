/**
 * Run by test/bench/failures.test.ts: the bench runner over one good part and one broken part
 * (`throws`, or `pending`: a promise left unsettled with nothing running). argv: mode, out path.
 */
import { runBench, type Part } from '../../bench/lib/cli.js';

const [mode, out] = process.argv.slice(2);
const good: Part = async () => ({ part: 'good', title: 'good', figures: [], notes: [] });
const broken: Part = mode === 'throws' ? () => Promise.reject(new Error('the link fell over')) : () => new Promise(() => undefined);
runBench(
  [
    ['good', good],
    ['broken', broken],
  ],
  { smoke: true },
  out!,
  false,
);
