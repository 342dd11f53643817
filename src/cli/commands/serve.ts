/**
 * `serve`: the workers of `worker` plus the print service (HTTP API and dashboard) in one
 * process. The start line prints the dashboard's URL with the token once.
 */
import { dirname, join } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { defineCommand, type RunContext } from '../command.js';
import { jsonOption, parsePort } from '../options.js';
import { formatLogEvent, withWorkerOptions, type LogEvent, type WorkerCommandOptions } from '../worker-options.js';

interface ServeOptions extends WorkerCommandOptions {
  host: string;
  port: number;
  tokenFile?: string;
  rotateToken?: boolean;
  allowOrigin: string[];
}

export const serve = defineCommand({
  define: (program: Command) =>
    withWorkerOptions(program.command('serve'))
      .description('run the workers and a local print service: HTTP API for browser POS apps and a dashboard for staff')
      .addOption(new Option('--host <address>', 'address to listen on (another than 127.0.0.1 exposes the service to the network)').default('127.0.0.1'))
      .addOption(new Option('--port <port>', 'port to listen on (0: any free one)').default(8631).argParser(parsePort))
      .addOption(new Option('--token-file <file>', 'where the API token is kept (created mode 0600 at first start; default beside the store)'))
      .addOption(new Option('--rotate-token', 'replace the token (every client and dashboard session must use the new one)'))
      .addOption(
        new Option('--allow-origin <origin>', 'a web origin whose pages may call the API with the token (repeatable), e.g. https://pos.example.com')
          .argParser(collectOrigin)
          .default([]),
      )
      .addOption(jsonOption('one JSON object per event and line: {"event", "at", ...}'))
      .addHelpText(
        'after',
        `
Every API call needs the token (Authorization: Bearer …) from $RECEIPT_SPOOL_TOKEN or the token file.
The API is described in schema/openapi.json.

Example:
  $ receipt-spool serve --config /etc/receipt-spool.json --allow-origin https://pos.example.com`,
      ),

  async run(_args: [], options: ServeOptions, context: RunContext<LogEvent>): Promise<void> {
    const [{ runWorkers }, { configOf }] = await Promise.all([import('../run-workers.js'), import('../store.js')]);
    const log = (event: string, fields: Record<string, unknown>, human: LogEvent['human']) => context.emit({ event, fields, human });
    await runWorkers(options, log, async (spool) => {
      const [{ createServer, loadToken }, { getProfile }] = await Promise.all([import('../../server/index.js'), import('../../escpos/profiles.js')]);
      // Beside a store file; with a PostgreSQL store (a URL, no directory) in the working directory.
      const tokenFile = options.tokenFile ?? join(spool.path.includes('://') ? '.' : dirname(spool.path), 'receipt-spool.token');
      const token = loadToken({ file: tokenFile, ...(options.rotateToken ? { rotate: true } : {}) });
      const printers = (await configOf(options))?.printers ?? {};
      const service = createServer(spool, {
        token: token.token,
        allowedOrigins: options.allowOrigin,
        profileFor: (printer) => {
          const name = printers[printer]?.profile ?? options.profile;
          return name === undefined ? undefined : getProfile(name);
        },
      });
      const { url, close } = await service.listen({ host: options.host, port: options.port });
      const from = token.created ? `new token written to ${token.from}` : `token from ${token.from}`;
      log('serving', { url, tokenFrom: token.from, allowedOrigins: options.allowOrigin }, `print service on ${url} (${from}); dashboard: ${url}/#token=${token.token}`);
      return close;
    });
  },

  formatEvent: (event: LogEvent, out, options) => formatLogEvent(event, out, Boolean(options.json)),
  format: () => {},
});

function collectOrigin(text: string, previous: string[]): string[] {
  let origin: string;
  try {
    origin = new URL(text).origin;
  } catch {
    throw new InvalidArgumentError(`"${text}" is not a web origin such as https://pos.example.com`);
  }
  if (origin === 'null' || origin !== text.replace(/\/$/, '')) throw new InvalidArgumentError(`"${text}" is not a web origin (scheme://host[:port], no path)`);
  return [...previous, origin];
}
