/**
 * Part 1 — encoding: the three fixture receipts with our encoder and every peer, receipts/s
 * (median of timed rounds after a warm-up) and bytes per receipt.
 */
import { readFileSync } from 'node:fs';
import type { ReceiptDocument } from '../src/document/types.js';
import { encode } from '../src/escpos/encoder.js';
import { runIfMain } from './lib/cli.js';
import { opsPerSecond, rateOptions, type BenchOptions } from './lib/measure.js';
import { best, compare, type Figure, type PartResult } from './lib/results.js';
import { PEER_NOTES, PEERS, type PeerEncoder } from './peers/encoders.js';

export const fixture = (name: string): ReceiptDocument => JSON.parse(readFileSync(new URL(`../test/fixtures/${name}`, import.meta.url), 'utf8')) as ReceiptDocument;

interface Receipt {
  label: string;
  document: ReceiptDocument;
  chinese: boolean;
  /** Our profile: an Epson TM-T88 (what the peers target), or a GB18030 printer for Chinese. */
  profile: string;
}

const RECEIPTS: Receipt[] = [
  { label: 'café', document: fixture('receipt-cafe.json'), chinese: false, profile: 'epson-tm-t88' },
  { label: '60-item', document: fixture('receipt-long.json'), chinese: false, profile: 'epson-tm-t88' },
  { label: 'Chinese', document: fixture('receipt-chinese.json'), chinese: true, profile: 'xprinter-80' },
];

/** Rejects a peer that returns nothing: every encoder must really produce its bytes. */
function checkedBytes(name: string, bytes: Uint8Array | null): Uint8Array | null {
  if (bytes !== null && bytes.length < 64) throw new Error(`${name} produced only ${bytes.length} bytes`);
  return bytes;
}

export async function encodingPart(options: BenchOptions): Promise<PartResult> {
  const rate = rateOptions(options);
  const peers: [string, PeerEncoder][] = [];
  const notes = [...PEER_NOTES];
  for (const [name, make] of Object.entries(PEERS)) {
    try {
      peers.push([name, make()]);
    } catch (error) {
      notes.push(`${name} could not load: ${(error as Error).message}`);
    }
  }
  let total = 0;
  const sink = (bytes: Uint8Array | null): void => {
    total += bytes?.length ?? 0;
  };
  const figures: Figure[] = [];
  for (const receipt of RECEIPTS) {
    const ours = (): Uint8Array => encode(receipt.document, receipt.profile).bytes;
    const ourBytes = checkedBytes('receipt-spool', ours())!.length;
    const rates: Record<string, number | null> = {};
    const sizes: Record<string, number | null> = {};
    for (const [name, peer] of peers) {
      const bytes = checkedBytes(name, peer(receipt.document, receipt.chinese));
      sizes[name] = bytes?.length ?? null;
      rates[name] = bytes === null ? null : opsPerSecond(() => peer(receipt.document, receipt.chinese), sink, rate);
    }
    // Ours last and first alike would be fairer still; measuring it after the peers gives them the warmer machine.
    const ourRate = opsPerSecond(ours, sink, rate);
    const fastest = best(rates, 'higher');
    const leanest = best(sizes, 'lower');
    figures.push(
      compare({ name: `${receipt.label} receipt rate`, unit: 'receipts/s', ours: ourRate, others: rates, better: 'higher', goal: '≥3× fastest peer' }, fastest, 3),
      compare({ name: `${receipt.label} receipt size`, unit: 'bytes/receipt', ours: ourBytes, others: sizes, better: 'lower', goal: '≤ leanest peer' }, leanest, 1),
    );
  }
  if (total === 0) throw new Error('no bytes produced');
  notes.push(
    `our profiles: epson-tm-t88 (café, 60-item), xprinter-80 (Chinese: FS & + GB18030); ${rate.rounds} rounds × ${rate.roundMs} ms after ${rate.warmupMs} ms warm-up, median`,
  );
  return { part: 'encoding', title: '1. Encoding (receipts/s, bytes/receipt)', figures, notes };
}

runIfMain(import.meta.url, 'encoding', encodingPart);
