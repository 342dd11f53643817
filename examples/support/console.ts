/**
 * Shared by the examples and the demo: narrated log lines, receipts drawn as the virtual
 * printer printed them, and waits that always end (with a clear message) instead of hanging.
 */
import { renderEmulatedReceipt, type EmulatedReceipt } from '../../src/exports/emulator.js';

const started = Date.now();

/** One narrated line, with the seconds since start. */
export function say(message: string): void {
  const seconds = ((Date.now() - started) / 1000).toFixed(1).padStart(5);
  console.log(`[${seconds}s] ${message}`);
}

/** A receipt as text in a frame, the way the virtual printer put it on paper. */
export function showReceipt(receipt: EmulatedReceipt, title: string, columns = 48): void {
  const state = receipt.complete ? 'complete' : `INCOMPLETE: ${receipt.endedBy}${receipt.interruptions.length ? `, ${receipt.interruptions.join(', ')}` : ''}`;
  const head = ` ${title} (${state}) `;
  const left = Math.max(2, Math.floor((columns + 4 - head.length) / 2));
  console.log(`\n${'┄'.repeat(left)}${head}${'┄'.repeat(Math.max(2, columns + 4 - left - head.length))}`);
  for (const line of renderEmulatedReceipt(receipt, columns).split('\n')) console.log(`  ${line}`);
  console.log(`${'┄'.repeat(columns + 4)}\n`);
}

/** Resolves when `check` returns a value; rejects with `what` after `timeoutMs`. */
export async function waitUntil<T>(what: string, check: () => T | undefined | false, timeoutMs = 10_000, everyMs = 10): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

interface Subscribable {
  on(event: string, listener: (...args: never[]) => void): unknown;
  off(event: string, listener: (...args: never[]) => void): unknown;
}

/** The first `event` whose payload matches; rejects with `what` after `timeoutMs`. */
export function nextEvent<T>(source: Subscribable, event: string, match: (payload: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const listener = (payload: T) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      source.off(event, listener as never);
      resolve(payload);
    };
    const timer = setTimeout(() => {
      source.off(event, listener as never);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    source.on(event, listener as never);
  });
}

/** What each guarantee means, for the line an example prints at the end. */
export function explainGuarantee(guarantee: string): string {
  switch (guarantee) {
    case 'printed':
      return 'printed — the printer returned the job’s process ID (GS ( H): the receipt came out';
    case 'processed':
      return 'processed — the printer answered GS r after the job: every byte processed, no fault (it cannot say "printed")';
    case 'sent':
      return 'sent — the link took the bytes; this printer cannot answer, so nothing more is known';
    case 'queued':
      return 'queued — durably in the spool; the worker prints it';
    default:
      return guarantee;
  }
}

/** Prints an error the way a user wants to read it (its stable code first) and sets exit code 1. */
export function reportFailure(error: unknown): void {
  const code = typeof error === 'object' && error !== null && 'code' in error ? `${String((error as { code: unknown }).code)}: ` : '';
  console.error(`failed: ${code}${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
