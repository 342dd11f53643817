/**
 * A job's bytes for the target it goes to: each target's renderer (the configured one, or the
 * encoder for the printer's profile, asked of the printer once), the reprint mark when the job
 * carries one, and the next job rendered ahead while the printer prints the current one.
 */
import { DocumentPurgedError, OneWayError } from '../errors.js';
import type { PrinterProfile } from '../escpos/profiles.js';
import type { PrinterLink } from '../printer/types.js';
import type { Renderer, ReprintMark } from './render.js';
import { formatMarkTime } from './mark-time.js';
import type { Job } from './types.js';
import type { PrintTarget, WorkerContext } from './worker-context.js';

/**
 * One target's renderer: the configured one, or the encoder for the profile the printer's GS I
 * answers name. It is kept for the link's lifetime once settled: the printer answered, or can
 * never answer (one-way). A printer that could not answer now (offline, stopped at paper end)
 * gets the generic profile for this attempt — which the printer will refuse anyway — and is
 * asked again next time.
 */
export class TargetRenderer {
  #settled: Renderer | undefined;

  constructor(
    private readonly link: () => PrinterLink,
    private readonly configured: Renderer | undefined,
    private readonly profile: PrinterProfile | string | undefined,
  ) {}

  /** The renderer once settled (no I/O); undefined before the first render. */
  get settled(): Renderer | undefined {
    return this.#settled;
  }

  async get(): Promise<Renderer> {
    if (this.#settled) return this.#settled;
    let settled = true;
    let render: Renderer;
    // The encoder loads with the first job a worker renders, not with the spool.
    const { encoderRenderer } = await import('./render.js');
    if (this.configured) render = this.configured;
    else if (this.profile !== undefined) render = encoderRenderer(this.profile);
    else {
      const identity = await this.link()
        .identify()
        .catch((error: unknown) => {
          settled = error instanceof OneWayError;
          return undefined;
        });
      const { profileForModel } = await import('../escpos/profiles.js');
      render = encoderRenderer(profileForModel(identity?.model, identity?.language));
    }
    if (settled) this.#settled = render;
    return render;
  }
}

export class JobRenderer {
  #renderedAhead: { jobId: number; target: PrintTarget; bytes: Uint8Array } | undefined;

  constructor(private readonly context: WorkerContext) {}

  async render(job: Job, target: PrintTarget): Promise<Uint8Array> {
    if (job.document === null) throw new DocumentPurgedError(job.transactionId);
    const { clock, options } = this.context;
    const mark: ReprintMark | undefined = job.marked
      ? { copy: job.copy, time: formatMarkTime(clock.now(), options.markTime), ...(options.markText ? { text: options.markText } : {}) }
      : undefined;
    const render = await target.renderer.get();
    return render(job.document, mark);
  }

  /**
   * While the printer prints `current`, renders the job after it, so its bytes are ready the
   * moment it is claimed. Only an unmarked copy is rendered ahead (a mark's copy number and time
   * are decided at the claim); any failure here is left to the real render to report.
   */
  renderAhead(current: Job, target: PrintTarget): void {
    this.#renderedAhead = undefined;
    const render = target.renderer.settled;
    if (!render) return;
    this.context.store
      .jobAfter(this.context.printer, current.id)
      .then((next) => {
        if (!next || next.mustMark || next.document === null) return;
        this.#renderedAhead = { jobId: next.id, target, bytes: render(next.document, undefined) };
      })
      .catch(() => {});
  }

  /** The bytes rendered ahead for `job`, if they still fit it (taking them either way). */
  takeRenderedAhead(job: Job, target: PrintTarget): Uint8Array | undefined {
    const ahead = this.#renderedAhead;
    this.#renderedAhead = undefined;
    return ahead && ahead.jobId === job.id && ahead.target === target && !job.marked ? ahead.bytes : undefined;
  }
}
