/**
 * A job's bytes for the link it goes to: one renderer per link (the configured one, or the
 * encoder for the printer's profile, asked of the printer once), the reprint mark when the job
 * carries one, and the next job rendered ahead while the printer prints the current one.
 */
import { OneWayError } from '../errors.js';
import { profileForModel } from '../escpos/profiles.js';
import { formatMarkTime } from './mark-time.js';
import type { PrinterLink } from '../printer/types.js';
import { encoderRenderer, type Renderer, type ReprintMark } from './render.js';
import type { Job } from './types.js';
import type { Via, WorkerContext } from './worker-context.js';

export class JobRenderer {
  #renderers = new Map<Via, Renderer>();
  #renderedAhead: { jobId: number; via: Via; bytes: Uint8Array } | undefined;

  constructor(
    private readonly context: WorkerContext,
    private readonly linkFor: (via: Via) => PrinterLink,
  ) {}

  async render(job: Job, via: Via): Promise<Uint8Array> {
    if (job.document === null) throw new Error('the document was purged');
    const { clock, options } = this.context;
    const mark: ReprintMark | undefined = job.marked
      ? { copy: job.copy, time: formatMarkTime(clock.now(), options.markTime), ...(options.markText ? { text: options.markText } : {}) }
      : undefined;
    const render = this.#renderers.get(via) ?? (await this.#makeRenderer(via));
    return render(job.document, mark);
  }

  /**
   * While the printer prints `current`, renders the job after it, so its bytes are ready the
   * moment it is claimed. Only an unmarked copy is rendered ahead (a mark's copy number and time
   * are decided at the claim); any failure here is left to the real render to report.
   */
  renderAhead(current: Job, via: Via): void {
    this.#renderedAhead = undefined;
    const render = this.#renderers.get(via);
    if (!render) return;
    this.context.store
      .jobAfter(this.context.printer, current.id)
      .then((next) => {
        if (!next || next.mustMark || next.document === null) return;
        this.#renderedAhead = { jobId: next.id, via, bytes: render(next.document, undefined) };
      })
      .catch(() => {});
  }

  /** The bytes rendered ahead for `job`, if they still fit it (taking them either way). */
  takeRenderedAhead(job: Job, via: Via): Uint8Array | undefined {
    const ahead = this.#renderedAhead;
    this.#renderedAhead = undefined;
    return ahead && ahead.jobId === job.id && ahead.via === via && !job.marked ? ahead.bytes : undefined;
  }

  /**
   * The configured renderer, or the encoder for the profile the printer's GS I answers name. It is
   * kept for the link's lifetime once settled: the printer answered, or can never answer (one-way).
   * A printer that could not answer now (offline, stopped at paper end) gets the generic profile
   * for this attempt — which the printer will refuse anyway — and is asked again next time.
   */
  async #makeRenderer(via: Via): Promise<Renderer> {
    const { options } = this.context;
    const profile = via === 'fallback' ? options.fallback?.profile : options.profile;
    let settled = true;
    let render: Renderer;
    if (options.render) render = options.render;
    else if (profile !== undefined) render = encoderRenderer(profile);
    else {
      const identity = await this.linkFor(via)
        .identify()
        .catch((error: unknown) => {
          settled = error instanceof OneWayError;
          return undefined;
        });
      render = encoderRenderer(profileForModel(identity?.model, identity?.language));
    }
    if (settled) this.#renderers.set(via, render);
    return render;
  }
}
