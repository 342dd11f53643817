/**
 * The fallback printer: once the printer has needed a person for `afterMs`, its jobs (including
 * those waiting in `needs-attention`) print here instead, recorded under the fallback's name.
 */
import type { PrinterLink } from '../printer/types.js';
import type { FallbackOptions } from './worker-options.js';

export class Fallback {
  /** Recorded as the job's `printedOn`. */
  readonly name: string;
  #link: PrinterLink | undefined;

  constructor(
    private readonly options: FallbackOptions,
    printer: string,
  ) {
    this.name = options.name ?? `${printer}:fallback`;
  }

  /** The fallback's link, made from its factory on first use. */
  get link(): PrinterLink {
    const option = this.options.link;
    this.#link ??= typeof option === 'function' ? option() : option;
    return this.#link;
  }

  /** How long the printer must need a person before its jobs come here (the decision is claimTransition's). */
  get afterMs(): number {
    return this.options.afterMs;
  }

  /** How long until the fallback takes over (Infinity while the printer needs no attention). */
  msUntilActive(attentionSince: number | undefined, now: number): number {
    return attentionSince === undefined ? Infinity : attentionSince + this.options.afterMs - now;
  }

  /** Closes the link if the worker made it (from a factory). */
  async close(): Promise<void> {
    if (typeof this.options.link === 'function') await this.#link?.close().catch(() => {});
  }
}
