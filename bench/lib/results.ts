/**
 * The shape of `bench/results.json` and the stdout table: every figure has its unit, our value,
 * the value of each peer or floor it is compared with, and the ratio to the reference one.
 */
import os from 'node:os';
import { round } from './measure.js';

export interface Figure {
  /** What is measured, e.g. `café receipt rate`. */
  name: string;
  unit: string;
  ours: number;
  /** Peers or floors by name; `null` where the peer cannot do it (see the part's notes). */
  others: Record<string, number | null>;
  /** Which of `others` the ratio compares with (e.g. the fastest peer), if any. */
  reference?: string;
  /**
   * How many times better ours is than the reference: ours/reference for higher-is-better
   * figures, reference/ours for lower-is-better ones. For floors (lower is better) a ratio
   * under 1 means slower than the floor.
   */
  ratio?: number;
  /** `times better` (ours vs a peer) or `times the floor` (ours/floor: 1 = as fast as physics allows). */
  ratioMeaning?: 'times better' | 'times the floor';
  /** Whether a higher value is better (rates) or a lower one (latency, bytes, memory). */
  better: 'higher' | 'lower';
  goal?: string;
  met?: boolean;
}

export interface PartResult {
  part: string;
  title: string;
  figures: Figure[];
  /** How it was measured, what could not run and why. */
  notes: string[];
  durationMs?: number;
}

export interface MachineFacts {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
  kernel: string;
}

export interface BenchResults {
  machine: MachineFacts;
  smoke: boolean;
  startedAt: string;
  durationMs: number;
  parts: Record<string, PartResult>;
}

export function machineFacts(): MachineFacts {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: round(os.totalmem() / 2 ** 30, 3),
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    kernel: os.release(),
  };
}

/**
 * A figure compared with one reference: the ratio says how many times better ours is.
 * `goalRatio` (if given) is the minimum ratio that meets the goal.
 */
export function compare(figure: Omit<Figure, 'ratio' | 'met' | 'reference'>, reference: string | undefined, goalRatio?: number): Figure {
  const value = reference === undefined ? undefined : figure.others[reference];
  const result: Figure = { ...figure, ours: round(figure.ours), others: roundAll(figure.others) };
  if (reference === undefined || value === null || value === undefined || !(value > 0) || !(figure.ours > 0)) return result;
  result.reference = reference;
  result.ratio = round(figure.better === 'higher' ? figure.ours / value : value / figure.ours);
  result.ratioMeaning = 'times better';
  if (goalRatio !== undefined) result.met = result.ratio >= goalRatio;
  return result;
}

/**
 * A figure against a physical floor: ratio = ours / floor for lower-is-better figures (latency)
 * and floor / ours for rates, so 1.2 reads "1.2× the floor's cost". Met when ratio ≤ `limit`.
 */
export function againstFloor(figure: Omit<Figure, 'ratio' | 'met' | 'reference'>, floor: string, limit?: number): Figure {
  const value = figure.others[floor];
  const result: Figure = { ...figure, ours: round(figure.ours), others: roundAll(figure.others) };
  if (value === null || value === undefined || !(value > 0) || !(figure.ours > 0)) return result;
  result.reference = floor;
  result.ratio = round(figure.better === 'lower' ? figure.ours / value : value / figure.ours);
  result.ratioMeaning = 'times the floor';
  if (limit !== undefined) result.met = result.ratio <= limit;
  return result;
}

/** A figure with an absolute goal (`ours` at most / at least `limit`). */
export function absolute(figure: Omit<Figure, 'met'>, limit?: number): Figure {
  const result: Figure = { ...figure, ours: round(figure.ours), others: roundAll(figure.others) };
  if (limit !== undefined && Number.isFinite(figure.ours)) {
    result.met = figure.better === 'higher' ? figure.ours >= limit : figure.ours <= limit;
  }
  return result;
}

/** The best of `others` by name (highest or lowest), ignoring peers that could not run. */
export function best(others: Record<string, number | null>, better: 'higher' | 'lower'): string | undefined {
  let bestName: string | undefined;
  for (const [name, value] of Object.entries(others)) {
    if (value === null || !Number.isFinite(value)) continue;
    const current = bestName === undefined ? undefined : others[bestName]!;
    if (current === undefined || current === null || (better === 'higher' ? value > current : value < current)) bestName = name;
  }
  return bestName;
}

function roundAll(values: Record<string, number | null>): Record<string, number | null> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v === null ? null : round(v)]));
}

// ---------------------------------------------------------------- text output

export function formatPart(part: PartResult): string {
  const header = ['figure', 'unit', 'ours', 'others', 'ratio', 'goal', 'met'];
  const rows = part.figures.map((f) => [
    f.name,
    f.unit,
    String(f.ours),
    Object.entries(f.others)
      .map(([name, value]) => `${name}=${value === null ? 'n/a' : value}`)
      .join(' '),
    f.ratio === undefined ? '' : f.ratioMeaning === 'times the floor' ? `${f.ratio}× ${f.reference}` : `${f.ratio}× better than ${f.reference}`,
    f.goal ?? '',
    f.met === undefined ? '' : f.met ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join(' │ ')
      .trimEnd();
  const out = [`\n## ${part.title}`, line(header), widths.map((w) => '─'.repeat(w)).join('─┼─'), ...rows.map(line)];
  for (const note of part.notes) out.push(`  · ${note}`);
  return out.join('\n');
}

export function formatMachine(machine: MachineFacts): string {
  return `machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.platform} (${machine.kernel})`;
}
