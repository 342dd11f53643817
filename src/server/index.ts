/**
 * `createServer(spool, options)`: the print service — the HTTP API and dashboard over a spool.
 * The caller creates and starts the spool's workers; `receipt-spool serve` does that from the
 * configuration.
 */
import { serve, type ServerType } from '@hono/node-server';
import type { Spool } from '../spool/spool.js';
import { createApp, type ServiceOptions } from './app.js';

export { loadToken, newToken, TOKEN_ENV, type TokenSource } from './token.js';
export type { ServiceOptions } from './app.js';
export type { RateLimitOptions } from './rate-limit.js';

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8631;

export interface PrintService {
  /** The Hono app: `fetch(request)` answers without a socket (handy in tests and workers). */
  readonly fetch: (request: Request) => Response | Promise<Response>;
  /** Listens on `host` (default 127.0.0.1: only this machine) and `port` (0: any free one). */
  listen(options?: { host?: string; port?: number }): Promise<{ url: string; close(): Promise<void> }>;
}

export function createServer(spool: Spool, options: ServiceOptions): PrintService {
  const app = createApp(spool, options);
  return {
    fetch: (request) => app.fetch(request),
    listen({ host = DEFAULT_HOST, port = DEFAULT_PORT } = {}) {
      return new Promise((resolve, reject) => {
        let server: ServerType | undefined = undefined;
        const failed = (error: Error) => reject(error);
        server = serve({ fetch: app.fetch, hostname: host, port }, (info) => {
          server!.off('error', failed);
          const shown = info.family === 'IPv6' ? `[${info.address}]` : info.address;
          resolve({
            url: `http://${shown}:${info.port}`,
            close: () =>
              new Promise<void>((done) => {
                // Long polls and event streams would hold close() open: end them.
                (server as { closeAllConnections?: () => void }).closeAllConnections?.();
                server!.close(() => done());
              }),
          });
        });
        server.once('error', failed);
      });
    },
  };
}
