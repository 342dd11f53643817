/** The print service's API over a real spool, through Hono's fetch (no socket) unless a socket matters. */
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { createServer, type PrintService } from '../../src/server/index.js';
import { sessionFor, SESSION_COOKIE } from '../../src/server/access.js';
import { receipt, useTempSpool } from '../spool/helpers.js';

const TOKEN = 'test-token-0123456789abcdef';
const BASE = 'http://127.0.0.1:8631';
const auth = { authorization: `Bearer ${TOKEN}` };
const temp = useTempSpool();

function service(options: Partial<Parameters<typeof createServer>[1]> = {}): PrintService {
  return createServer(temp.spool, { token: TOKEN, log: () => undefined, ...options });
}

function call(s: PrintService, path: string, init: RequestInit & { headers?: Record<string, string> } = {}): Promise<Response> {
  return Promise.resolve(s.fetch(new Request(`${BASE}${path}`, { ...init, headers: { host: '127.0.0.1:8631', ...init.headers } })));
}

function post(s: PrintService, path: string, body: unknown, headers: Record<string, string> = auth): Promise<Response> {
  return call(s, path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
}

async function problem(response: Response): Promise<{ code: string; status: number; detail: string; issues?: unknown[] }> {
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  return (await response.json()) as { code: string; status: number; detail: string };
}

describe('authentication', () => {
  it('refuses a call without a token, with a wrong token, and accepts the right one', async () => {
    const s = service();
    const none = await call(s, '/api/receipts');
    expect(none.status).toBe(401);
    expect(await problem(none)).toMatchObject({ code: 'UNAUTHORIZED', status: 401 });
    const wrong = await call(s, '/api/receipts', { headers: { authorization: 'Bearer not-the-token-at-all' } });
    expect(wrong.status).toBe(401);
    expect((await problem(wrong)).detail).toContain('wrong');
    const right = await call(s, '/api/receipts', { headers: auth });
    expect(right.status).toBe(200);
    expect(await right.json()).toEqual({ jobs: [] });
  });

  it('trades the token for an HttpOnly SameSite=Strict cookie that reads, and writes only with the dashboard header', async () => {
    const s = service();
    const session = await call(s, '/api/session', { method: 'POST', headers: auth });
    expect(session.status).toBe(204);
    const cookie = session.headers.get('set-cookie') ?? '';
    expect(cookie).toContain(`${SESSION_COOKIE}=${sessionFor(TOKEN)}`);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const jar = { cookie: `${SESSION_COOKIE}=${sessionFor(TOKEN)}` };
    expect((await call(s, '/api/printers', { headers: jar })).status).toBe(200);
    await post(s, '/api/receipts', receipt('T-COOKIE'));
    const ridden = await post(s, '/api/receipts/T-COOKIE/reprint', { by: 'x', reason: 'y' }, jar);
    expect(ridden.status).toBe(403);
    expect((await problem(ridden)).code).toBe('FORBIDDEN');
    const fromDashboard = await post(s, '/api/receipts/T-COOKIE/reprint', { by: 'ana', reason: 'customer copy' }, { ...jar, 'x-receipt-spool': '1' });
    expect(fromDashboard.status).toBe(201);
  });

  it('a cookie made with an old token stops working after rotation', async () => {
    const s = service({ token: 'a-rotated-token-0123456789' });
    const response = await call(s, '/api/printers', { headers: { cookie: `${SESSION_COOKIE}=${sessionFor(TOKEN)}` } });
    expect(response.status).toBe(401);
  });

  it('serves the dashboard page without a token, and the page holds no data', async () => {
    const response = await call(service(), '/');
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('<title>receipt-spool</title>');
    expect(html).not.toContain(TOKEN);
  });
});

describe('origins', () => {
  it('answers an allowed origin with CORS headers, without credentials', async () => {
    const s = service({ allowedOrigins: ['http://pos.localhost:5173'] });
    const preflight = await call(s, '/api/receipts', {
      method: 'OPTIONS',
      headers: { origin: 'http://pos.localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://pos.localhost:5173');
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    const submitted = await post(s, '/api/receipts', receipt('T-ORIGIN'), { ...auth, origin: 'http://pos.localhost:5173' });
    expect(submitted.status).toBe(201);
    expect(submitted.headers.get('access-control-allow-origin')).toBe('http://pos.localhost:5173');
  });

  it('refuses an unlisted origin even with the right token, and stores nothing', async () => {
    const s = service({ allowedOrigins: ['http://pos.localhost:5173'] });
    const response = await post(s, '/api/receipts', receipt('T-EVIL'), { ...auth, origin: 'http://evil.localhost:8000' });
    expect(response.status).toBe(403);
    expect((await problem(response)).code).toBe('ORIGIN_NOT_ALLOWED');
    expect(await temp.spool.get('T-EVIL')).toBeUndefined();
  });

  it('takes its own origin (the dashboard) without a listing', async () => {
    const response = await call(service(), '/api/printers', { headers: { ...auth, origin: 'http://127.0.0.1:8631' } });
    expect(response.status).toBe(200);
  });
});

describe('receipts', () => {
  it('submits durably and idempotently per transactionId', async () => {
    const s = service();
    const first = await post(s, '/api/receipts', receipt('T-1'));
    expect(first.status).toBe(201);
    const body = (await first.json()) as { created: boolean; job: { transactionId: string; state: string; document: unknown } };
    expect(body).toMatchObject({ created: true, job: { transactionId: 'T-1', state: 'queued' } });
    expect(body.job.document).toEqual(receipt('T-1'));
    const again = await post(s, '/api/receipts', receipt('T-1'));
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ created: false, documentDiffers: false });
    expect(await temp.spool.list()).toHaveLength(1);
  });

  it('lists with filters and shows one transaction with its history and reprints', async () => {
    const s = service();
    await post(s, '/api/receipts', receipt('T-A', 'front'));
    await post(s, '/api/receipts', receipt('T-B', 'back'));
    await post(s, '/api/receipts/T-A/reprint', { by: 'ana', reason: 'customer copy' });
    const front = (await (await call(s, '/api/receipts?printer=front', { headers: auth })).json()) as { jobs: { transactionId: string; kind: string }[] };
    expect(front.jobs.map((j) => `${j.transactionId} ${j.kind}`).sort()).toEqual(['T-A original', 'T-A reprint']);
    const shown = (await (await call(s, '/api/receipts/T-A', { headers: auth })).json()) as {
      job: { transactionId: string };
      history: unknown[];
      reprints: { by: string; reason: string }[];
    };
    expect(shown.job.transactionId).toBe('T-A');
    expect(shown.history.length).toBeGreaterThan(0);
    expect(shown.reprints).toMatchObject([{ by: 'ana', reason: 'customer copy' }]);
  });

  it('errors carry the library code as problem+json', async () => {
    const s = service();
    const unknown = await call(s, '/api/receipts/NOPE', { headers: auth });
    expect(unknown.status).toBe(404);
    expect((await problem(unknown)).code).toBe('UNKNOWN_TRANSACTION');
    const notJson = await call(s, '/api/receipts', { method: 'POST', body: '{', headers: { ...auth, 'content-type': 'application/json' } });
    expect(notJson.status).toBe(400);
    expect((await problem(notJson)).code).toBe('INVALID_JSON');
    const noContent = await post(s, '/api/receipts', { transactionId: 'T-X' });
    expect(noContent.status).toBe(400);
    const refused = await problem(noContent);
    expect(refused.code).toBe('INVALID_DOCUMENT');
    expect(refused.issues).toBeDefined();
    const badState = await call(s, '/api/receipts?state=lost', { headers: auth });
    expect((await problem(badState)).detail).toContain('"lost"');
    const anonymous = await post(s, '/api/receipts/T-X/reprint', { reason: 'why' });
    expect((await problem(anonymous)).detail).toMatch(/^by:/);
  });

  it('bounds request bodies', async () => {
    const s = service({ bodyLimitBytes: 2048 });
    const big = receipt('T-BIG', undefined, ['x'.repeat(4096)]);
    const response = await post(s, '/api/receipts', big);
    expect(response.status).toBe(413);
    expect((await problem(response)).code).toBe('BODY_TOO_LARGE');
    expect(await temp.spool.get('T-BIG')).toBeUndefined();
  });

  it('rate-limits a client, and lets it in again as time passes', async () => {
    let now = 1_000_000;
    const s = service({ rateLimit: { perMinute: 60, burst: 3 }, clock: { now: () => now } });
    for (let i = 0; i < 3; i++) expect((await call(s, '/api/printers', { headers: auth })).status).toBe(200);
    const limited = await call(s, '/api/printers', { headers: auth });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    now += 1000;
    expect((await call(s, '/api/printers', { headers: auth })).status).toBe(200);
  });
});

describe('operator actions and waiting', () => {
  it('cancels and moves a waiting job, each audited, and refuses without who and why', async () => {
    const s = service();
    await post(s, '/api/receipts', receipt('T-C', 'front'));
    await post(s, '/api/receipts', receipt('T-M', 'front'));
    const moved = await post(s, '/api/receipts/T-M/move', { to: 'back', by: 'ana', reason: 'front is broken' });
    expect(moved.status).toBe(200);
    expect(await moved.json()).toMatchObject({ jobs: [{ transactionId: 'T-M', printer: 'back' }] });
    expect((await problem(await post(s, '/api/receipts/T-M/move', { by: 'ana', reason: 'x' }))).detail).toMatch(/^to:/);
    const cancelled = await post(s, '/api/receipts/T-C/cancel', { by: 'ana', reason: 'customer left' });
    expect(cancelled.status).toBe(200);
    expect(await cancelled.json()).toMatchObject({ jobs: [{ transactionId: 'T-C', state: 'cancelled' }] });
    const history = (await temp.spool.history('T-C')).map((h) => h.message ?? '');
    expect(history.some((m) => m.includes('ana') && m.includes('customer left'))).toBe(true);
  });

  it('wait answers 202 with the job as it stands when it did not print in time, 404 for an unknown one', async () => {
    const s = service();
    await post(s, '/api/receipts', receipt('T-W', 'nobody'));
    const waited = await call(s, '/api/receipts/T-W/wait?timeoutMs=50', { headers: auth });
    expect(waited.status).toBe(202);
    expect(await waited.json()).toMatchObject({ job: { transactionId: 'T-W', state: 'queued' } });
    expect((await call(s, '/api/receipts/NOPE/wait?timeoutMs=50', { headers: auth })).status).toBe(404);
    expect((await problem(await call(s, '/api/receipts/T-W/wait?timeoutMs=-1', { headers: auth }))).detail).toMatch(/^timeoutMs:/);
  });

  it('wait for a cancelled transaction is a 409 with JOB_CANCELLED', async () => {
    const s = service();
    await post(s, '/api/receipts', receipt('T-X', 'nobody'));
    await post(s, '/api/receipts/T-X/cancel', { by: 'ana', reason: 'void' });
    const waited = await call(s, '/api/receipts/T-X/wait?timeoutMs=1000', { headers: auth });
    expect(waited.status).toBe(409);
    expect((await problem(waited)).code).toBe('JOB_CANCELLED');
  });
});

describe('receipt image', () => {
  it('draws the receipt as the printer prints it, at the profile width', async () => {
    const s = service();
    await post(s, '/api/receipts', receipt('T-IMG', 'front', ['Espresso 2.50']));
    const response = await call(s, '/api/receipts/T-IMG/image.png', { headers: auth });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    const png = PNG.sync.read(Buffer.from(await response.arrayBuffer()));
    expect(png.width).toBe(576);
    expect(png.height).toBeGreaterThan(24);
    expect((await call(s, '/api/receipts/NOPE/image.png', { headers: auth })).status).toBe(404);
  });
});

describe('listening', () => {
  it('binds 127.0.0.1 by default and answers over a real socket', async () => {
    const { url, close } = await service().listen({ port: 0 });
    try {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const response = await fetch(`${url}/api/printers`, { headers: auth });
      expect(response.status).toBe(200);
    } finally {
      await close();
    }
  });
});

it('is published as receipt-spool/server (the package export, built)', async () => {
  // Through a variable: the typecheck runs before the build, and dist/ must not be needed for it.
  const specifier = 'receipt-spool/server';
  const published = (await import(specifier)) as Record<string, unknown>;
  expect(typeof published.createServer).toBe('function');
  expect(typeof published.loadToken).toBe('function');
});
