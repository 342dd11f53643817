/**
 * What `worker` and `serve` share to be defined: the options that choose the printers a worker
 * process serves, and how one event becomes a log line. Their work is run-workers.ts.
 */
import { Option, type Command } from 'commander';
import { dbOption, parseDuration, parsePositiveNumber, printerOption, profileOption, withCommon, type StoreOptions } from './options.js';
import { paint, type Output } from './output.js';

export interface WorkerCommandOptions extends StoreOptions {
  printer?: string;
  name?: string;
  profile?: string;
  fallback?: string;
  fallbackAfter: number;
  unreachableAfter: number;
  allowUnconfirmed?: boolean;
  json?: boolean;
  digitalCopyAfter?: number;
  digitalCopies?: string;
}

/** The options that choose the printers a worker process serves (`worker`, `serve`). */
export function withWorkerOptions(command: Command): Command {
  return withCommon(command)
    .addOption(dbOption())
    .addOption(printerOption('printer URI or config name (default: every printer of the config file)'))
    .addOption(new Option('--name <name>', 'logical printer name the jobs are queued for ("printer" in the document; default: the config name, else "default")'))
    .addOption(profileOption())
    .addOption(new Option('--fallback <printer>', 'printer (URI or config name) to use while this one needs attention'))
    .addOption(new Option('--fallback-after <seconds>', 'how long to wait before using the fallback').default(60).argParser(parsePositiveNumber))
    .addOption(new Option('--unreachable-after <seconds>', 'how long the printer may be unreachable before its job needs attention').default(120).argParser(parsePositiveNumber))
    .addOption(new Option('--allow-unconfirmed', 'accept "sent" from a printer that cannot confirm'))
    .addOption(new Option('--digital-copy-after <duration>', 'say digital-copy-due once a job has waited this long in needs-attention (e.g. 10m)').argParser(parseDuration))
    .addOption(new Option('--digital-copies <dir>', 'with --digital-copy-after: also write the copy as DIR/<transactionId>.png, marked DIGITAL COPY'));
}

/** One event of a worker process: its name and fields (JSON) and the sentence a person reads (coloured by the output). */
export interface LogEvent {
  event: string;
  fields: Record<string, unknown>;
  human: string | ((out: Output) => string);
}

export type Log = (event: string, fields: Record<string, unknown>, human: LogEvent['human']) => void;

/** `{"event", "at", ...fields}` with --json, else `AT  sentence`. */
export function formatLogEvent({ event, fields, human }: LogEvent, out: Output, json: boolean): void {
  const at = new Date().toISOString();
  if (json) out.json({ event, at, ...fields });
  else out.line(`${out.color ? paint(out, 'dim', at) : at}  ${typeof human === 'string' ? human : human(out)}`);
}
