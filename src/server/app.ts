/**
 * The print service's HTTP API over a spool (Hono). Every `/api` call needs the token (see
 * access.ts); browsers only from the allowed origins; bodies are bounded; clients are rate
 * limited; every error is `application/problem+json` with the library's error code.
 */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import { cors } from 'hono/cors';
import { streamSSE } from 'hono/streaming';
import { DocumentPurgedError, isReceiptSpoolError } from '../errors.js';
import type { PrinterProfile } from '../escpos/profiles.js';
import { renderPrintedCopy } from '../preview/index.js';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Job, JobState, ListFilter, PrinterHealth } from '../spool/types.js';
import type { Spool } from '../spool/spool.js';
import { JobState as JobStates } from '../spool/types.js';
import { authenticate, DASHBOARD_HEADER, originAllowed, sessionFor, SESSION_COOKIE } from './access.js';
import { DASHBOARD_CSP, dashboardHtml } from './dashboard.js';
import { HttpProblem, problemOf } from './problem.js';
import { DEFAULT_RATE_LIMIT, RateLimiter, type RateLimitOptions } from './rate-limit.js';

export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;
const DEFAULT_WAIT_MS = 30_000;
const DEFAULT_HEALTH_POLL_MS = 1000;
const MAX_WAIT_MS = 120_000;
const STATES = new Set<string>(Object.values(JobStates));

export interface ServiceOptions {
  /** The bearer token every API call must carry (see `loadToken`). */
  token: string;
  /** Origins whose pages may call the API with the token (CORS), e.g. `https://pos.example.com`. */
  allowedOrigins?: readonly string[];
  bodyLimitBytes?: number;
  rateLimit?: RateLimitOptions;
  clock?: { now(): number };
  /** The profile a printer's receipts are drawn with for `image.png` (default `generic-80`). */
  profileFor?: (printer: string) => PrinterProfile | undefined;
  /** How often an event stream re-reads the printers' health from the store (default 1000 ms). */
  healthPollMs?: number;
  /** Server-side failures (500s) go here (default: stderr). */
  log?: (line: string) => void;
}

type Env = { Variables: { client: string } };

export function createApp(spool: Spool, options: ServiceOptions): Hono<Env> {
  const allowed = options.allowedOrigins ?? [];
  const clock = options.clock ?? { now: () => Date.now() };
  const limiter = new RateLimiter(options.rateLimit ?? DEFAULT_RATE_LIMIT);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const app = new Hono<Env>();

  app.onError((error, c) => {
    const problem = problemOf(error);
    if (problem.status >= 500 && problem.code === 'INTERNAL') log(`receipt-spool serve: ${c.req.method} ${c.req.path}: ${(error as Error).stack ?? String(error)}`);
    return c.body(JSON.stringify(problem), problem.status as 400, { 'content-type': 'application/problem+json' });
  });
  app.notFound(() => {
    throw new HttpProblem(404, 'NOT_FOUND', 'no such route; see the OpenAPI file (schema/openapi.json)');
  });

  const page = dashboardHtml();
  app.get('/', (c) => c.html(page, 200, { 'content-security-policy': DASHBOARD_CSP, 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' }));

  app.use(
    '/api/*',
    async (c, next) => {
      const origin = c.req.header('origin');
      if (origin !== undefined && !originAllowed(origin, allowed, ownOrigin(c))) {
        throw new HttpProblem(403, 'ORIGIN_NOT_ALLOWED', `pages on ${origin} may not call this service; add it with --allow-origin`);
      }
      await next();
    },
    cors({
      origin: (origin) => (allowed.includes(origin) ? origin : null),
      allowHeaders: ['Authorization', 'Content-Type'],
      allowMethods: ['GET', 'POST', 'DELETE'],
      credentials: false,
      maxAge: 600,
    }),
    async (c, next) => {
      const client = clientOf(c);
      const verdict = limiter.take(client, clock.now());
      if (!verdict.allowed) {
        c.header('retry-after', String(Math.ceil(verdict.retryAfterMs / 1000)));
        throw new HttpProblem(429, 'RATE_LIMITED', `too many requests from ${client}; try again in ${Math.ceil(verdict.retryAfterMs / 1000)} s`);
      }
      c.set('client', client);
      await next();
    },
    bodyLimit({
      maxSize: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
      onError: () => {
        throw new HttpProblem(413, 'BODY_TOO_LARGE', `request bodies are limited to ${options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES} bytes`);
      },
    }),
    async (c, next) => {
      authenticate(
        {
          authorization: c.req.header('authorization'),
          cookie: getCookie(c, SESSION_COOKIE),
          method: c.req.method,
          dashboardHeader: c.req.header(DASHBOARD_HEADER),
        },
        options.token,
      );
      await next();
    },
  );

  // The dashboard trades the token (from its URL's fragment) for an HttpOnly session cookie.
  app.post('/api/session', (c) => {
    setCookie(c, SESSION_COOKIE, sessionFor(options.token), { httpOnly: true, sameSite: 'Strict', path: '/' });
    return c.body(null, 204);
  });
  app.delete('/api/session', (c) => {
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.body(null, 204);
  });

  app.post('/api/receipts', async (c) => {
    const body = await jsonBody(c);
    const result = await spool.submit(body);
    return c.json({ created: result.created, documentDiffers: result.documentDiffers, job: jobView(result.job, true) }, result.created ? 201 : 200);
  });

  app.get('/api/receipts', async (c) => {
    const jobs = await spool.list(listFilter(c));
    return c.json({ jobs: jobs.map((job) => jobView(job, false)) });
  });

  app.get('/api/receipts/:transactionId', async (c) => {
    const transactionId = c.req.param('transactionId');
    const job = await spool.get(transactionId);
    if (!job) throw unknown(transactionId);
    const [history, reprints] = await Promise.all([spool.history(transactionId), spool.reprints(transactionId)]);
    return c.json({ job: jobView(job, true), history, reprints });
  });

  // The receipt as its latest attempt printed it, marked when that attempt was.
  app.get('/api/receipts/:transactionId/image.png', async (c) => {
    const transactionId = c.req.param('transactionId');
    const job = await spool.get(transactionId);
    if (!job) throw unknown(transactionId);
    const png = renderPrintedCopy(job, options.profileFor?.(job.printer) ?? 'generic-80');
    if (!png) throw new DocumentPurgedError(transactionId);
    return c.body(png as Uint8Array<ArrayBuffer>, 200, { 'content-type': 'image/png', 'cache-control': 'no-store' });
  });

  app.post('/api/receipts/:transactionId/reprint', async (c) => {
    const request = operatorRequest(await jsonBody(c), { printer: 'optional' });
    const job = await spool.reprint(c.req.param('transactionId'), request);
    return c.json({ job: jobView(job, false) }, 201);
  });

  app.post('/api/receipts/:transactionId/retry', async (c) => {
    const request = operatorRequest(await jsonBody(c), {});
    const jobs = await spool.retry(c.req.param('transactionId'), request);
    return c.json({ jobs: jobs.map((job) => jobView(job, false)) });
  });

  app.post('/api/receipts/:transactionId/cancel', async (c) => {
    const request = operatorRequest(await jsonBody(c), {});
    const jobs = await spool.cancel(c.req.param('transactionId'), request);
    return c.json({ jobs: jobs.map((job) => jobView(job, false)) });
  });

  app.post('/api/receipts/:transactionId/move', async (c) => {
    const body = await jsonBody(c);
    const request = operatorRequest(body, {});
    const to = (body as Record<string, unknown>)['to'];
    if (typeof to !== 'string' || to.trim() === '') throw new HttpProblem(400, 'INVALID_ARGUMENT', 'to: the printer to move the job to (a non-empty string)');
    const jobs = await spool.move(c.req.param('transactionId'), to.trim(), request);
    return c.json({ jobs: jobs.map((job) => jobView(job, false)) });
  });

  // Long poll: answers as soon as the store says printed, whichever process printed it.
  app.get('/api/receipts/:transactionId/wait', async (c) => {
    const transactionId = c.req.param('transactionId');
    const timeoutText = c.req.query('timeoutMs');
    const timeoutMs = timeoutText === undefined ? DEFAULT_WAIT_MS : wholeNumber(timeoutText, 'timeoutMs', 0, MAX_WAIT_MS);
    const gone = new AbortController();
    c.req.raw.signal.addEventListener('abort', () => gone.abort(), { once: true });
    try {
      const job = await spool.waitFor(transactionId, { timeoutMs, signal: gone.signal });
      return c.json({ job: jobView(job, false) }, 200);
    } catch (error) {
      if (!isReceiptSpoolError(error) || error.code !== 'WAIT_TIMEOUT') throw error;
      const job = await spool.get(transactionId);
      if (!job) throw unknown(transactionId);
      return c.json({ job: jobView(job, false) }, 202);
    }
  });

  // `change`: one per history row (state change, attempt, operator action), from any process.
  // `printers`: whenever a printer's readiness or reason changes (health is not history).
  app.get('/api/events', (c) =>
    streamSSE(c, async (stream) => {
      const stop = new AbortController();
      stream.onAbort(() => stop.abort());
      await stream.writeSSE({ event: 'ready', data: '{}' });
      const printers = followPrinters(spool, options.healthPollMs ?? DEFAULT_HEALTH_POLL_MS, stop.signal, (health) =>
        stream.writeSSE({ event: 'printers', data: JSON.stringify(health) }),
      );
      for await (const entry of spool.watch({ signal: stop.signal })) {
        await stream.writeSSE({ event: 'change', id: String(entry.id), data: JSON.stringify(entry) });
      }
      await printers;
    }),
  );

  app.get('/api/printers', async (c) => c.json({ printers: await spool.healthAll() }));

  return app;
}

/** Calls `changed` with every printer's health whenever one's readiness or reason differs from the last read. */
async function followPrinters(spool: Spool, everyMs: number, signal: AbortSignal, changed: (health: PrinterHealth[]) => Promise<void>): Promise<void> {
  let last = '';
  while (!signal.aborted) {
    const health = await spool.healthAll();
    const summary = JSON.stringify(health.map((h) => [h.printer, h.ready, h.reason]));
    if (summary !== last) {
      last = summary;
      await changed(health);
    }
    await sleep(everyMs, undefined, { signal }).catch(() => undefined);
  }
}

/** A job as the API shows it: the document only where one job is asked for. */
export function jobView(job: Job, withDocument: boolean): Record<string, unknown> {
  const { document, ...rest } = job;
  return withDocument ? { ...rest, document } : rest;
}

function ownOrigin(c: Context): string | undefined {
  const host = c.req.header('host');
  return host === undefined ? undefined : `${new URL(c.req.url).protocol}//${host}`;
}

function clientOf(c: Context): string {
  // The socket's address; behind a reverse proxy every client shares the proxy's bucket.
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'local';
}

async function jsonBody(c: Context): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/json\b/i.test(type)) throw new HttpProblem(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json');
  try {
    return (await c.req.json()) as unknown;
  } catch (error) {
    throw new HttpProblem(400, 'INVALID_JSON', `the body is not JSON: ${(error as Error).message}`);
  }
}

function operatorRequest(body: unknown, fields: { printer?: 'optional' }): { by: string; reason: string; printer?: string } {
  const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const by = record['by'];
  const reason = record['reason'];
  if (typeof by !== 'string' || by.trim() === '') throw new HttpProblem(400, 'INVALID_ARGUMENT', 'by: say who asks (a non-empty string)');
  if (typeof reason !== 'string' || reason.trim() === '') throw new HttpProblem(400, 'INVALID_ARGUMENT', 'reason: say why (a non-empty string)');
  const printer = record['printer'];
  if (printer !== undefined && (fields.printer !== 'optional' || typeof printer !== 'string' || printer === '')) {
    throw new HttpProblem(400, 'INVALID_ARGUMENT', 'printer: a printer name (a non-empty string)');
  }
  return { by: by.trim(), reason: reason.trim(), ...(typeof printer === 'string' ? { printer } : {}) };
}

function listFilter(c: Context): ListFilter {
  const filter: ListFilter = {};
  const states = c.req.query('state');
  if (states !== undefined) {
    const list = states.split(',').filter((s) => s !== '');
    for (const state of list) if (!STATES.has(state)) throw new HttpProblem(400, 'INVALID_ARGUMENT', `state: "${state}" is not one of ${[...STATES].join(', ')}`);
    filter.state = list as JobState[];
  }
  const printer = c.req.query('printer');
  if (printer !== undefined && printer !== '') filter.printer = printer;
  const since = c.req.query('since');
  if (since !== undefined) {
    const time = /^\d+$/.test(since) ? Number(since) : Date.parse(since);
    if (!Number.isFinite(time)) throw new HttpProblem(400, 'INVALID_ARGUMENT', `since: "${since}" is neither an ISO date nor epoch milliseconds`);
    filter.since = time;
  }
  const limit = c.req.query('limit');
  filter.limit = limit === undefined ? 100 : wholeNumber(limit, 'limit', 1, 1000);
  return filter;
}

function wholeNumber(text: string, name: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) throw new HttpProblem(400, 'INVALID_ARGUMENT', `${name}: "${text}" is not a whole number from ${min} to ${max}`);
  return value;
}

function unknown(transactionId: string): HttpProblem {
  return new HttpProblem(404, 'UNKNOWN_TRANSACTION', `no receipt for transaction ${transactionId}`);
}
