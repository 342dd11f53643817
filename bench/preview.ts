/**
 * Part 7 — preview: a receipt drawn as a PNG from its bytes (encode, interpret, draw, PNG), in
 * CPU ms per receipt, and wall ms (median of timed rounds after a warm-up). Goal: the café
 * receipt in ≤ 20 ms of CPU.
 * The text preview (the emulator's journal as text) is shown beside it for scale.
 */
import os from 'node:os';
import { encode } from '../src/escpos/encoder.js';
import { renderDocumentText } from '../src/cli/render.js';
import { getProfile } from '../src/escpos/profiles.js';
import { renderReceipt } from '../src/preview/index.js';
import { fixture } from './encoding.js';
import { runIfMain } from './lib/cli.js';
import { opsPerSecond, rateOptions, round, type BenchOptions } from './lib/measure.js';
import type { Figure, PartResult } from './lib/results.js';

/** CPU ms per call (user + system), next to wall time: on a shared machine the wall clock also counts waiting for a core. */
function cpuMsPerCall(operation: () => unknown, calls: number): number {
  const start = process.cpuUsage();
  for (let i = 0; i < calls; i++) operation();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000 / calls;
}

const RECEIPTS = [
  { label: 'café', document: fixture('receipt-cafe.json'), profile: 'epson-tm-t88', goalMs: 20 },
  { label: '60-item', document: fixture('receipt-long.json'), profile: 'epson-tm-t88' },
  { label: 'Chinese', document: fixture('receipt-chinese.json'), profile: 'xprinter-80' },
] as const;

export async function previewPart(options: BenchOptions): Promise<PartResult> {
  const rate = rateOptions(options);
  let bytesOut = 0;
  const sink = (png: Uint8Array | string): void => {
    bytesOut += png.length;
  };
  const figures: Figure[] = [];
  for (const receipt of RECEIPTS) {
    const profile = getProfile(receipt.profile);
    const bytes = encode(receipt.document, profile).bytes;
    const fromDocument = 1000 / opsPerSecond(() => renderReceipt(receipt.document, profile), sink, rate);
    const fromBytes = 1000 / opsPerSecond(() => renderReceipt(bytes, profile), sink, rate);
    const text = 1000 / opsPerSecond(() => renderDocumentText(receipt.document, profile).text, sink, rate);
    const cpu = cpuMsPerCall(() => renderReceipt(receipt.document, profile), options.smoke ? 2 : 100);
    const goalMs = 'goalMs' in receipt ? receipt.goalMs : undefined;
    figures.push({
      name: `${receipt.label} receipt as PNG`,
      unit: 'ms/receipt',
      ours: round(cpu),
      others: { 'wall clock': round(fromDocument), 'from its bytes (wall)': round(fromBytes), 'text preview (wall)': round(text) },
      better: 'lower',
      ...(goalMs !== undefined ? { goal: `≤ ${goalMs} ms CPU`, met: cpu <= goalMs } : {}),
    });
  }
  if (bytesOut === 0) throw new Error('no picture produced');
  return {
    part: 'preview',
    title: '7. Preview (ms per receipt drawn as PNG)',
    figures,
    notes: [
      `ours = CPU ms per receipt (process.cpuUsage over 100 renders), judged against the goal: the wall clock also counts waiting for a core; load average during the run ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores`,
      `document → encode → interpreter → 1-bit dots → PNG; "from its bytes" skips the encoder; fonts loaded before timing (first render); ${rate.rounds} rounds × ${rate.roundMs} ms after ${rate.warmupMs} ms warm-up, median`,
    ],
  };
}

runIfMain(import.meta.url, 'preview', previewPart);
