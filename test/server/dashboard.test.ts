/**
 * The dashboard and a browser POS in real Chromium, against the print service, a worker and the
 * virtual printer over TCP: a paper-out shows up live, the operator reprints from the page and
 * the audit records who and why; a page on another origin submits with the token and waits for
 * `printed`, and is refused without it or from an unlisted origin.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import path from 'node:path';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { VirtualPrinter } from '../../src/emulator/virtual-printer.js';
import { Printer } from '../../src/printer/printer.js';
import { createServer } from '../../src/server/index.js';
import { openSpool, type Spool } from '../../src/spool/spool.js';
import { createTransport } from '../../src/transport/open.js';
import { chromium } from '../support/requirements.js';
import { tempDir } from '../spool/helpers.js';
import { launchBrowser } from './browser.js';

const TOKEN = 'dashboard-test-token-0123456789';
/** Where the README's screenshot comes from: `RECEIPT_SPOOL_SCREENSHOT=docs/dashboard.png npx vitest run test/server/dashboard.test.ts`. */
const SCREENSHOT = process.env['RECEIPT_SPOOL_SCREENSHOT'];

describe.skipIf(!chromium.available)('dashboard and browser POS in Chromium', () => {
  let dir: string;
  let printer: VirtualPrinter;
  let spool: Spool;
  let service: { url: string; close(): Promise<void> };
  let pos: { server: Server; origin: string };
  let browser: { context: BrowserContext; close(): Promise<void> };

  beforeAll(async () => {
    dir = tempDir();
    printer = new VirtualPrinter();
    const { port } = await printer.listen();
    spool = openSpool({ path: path.join(dir, 'spool.db') });
    spool.createWorker({ printer: 'front', link: () => new Printer({ transport: () => createTransport(`tcp://127.0.0.1:${port}`) }) }).start();
    // The POS page is served from another origin (localhost vs 127.0.0.1, another port).
    pos = await servePosPage();
    service = await createServer(spool, { token: TOKEN, allowedOrigins: [pos.origin], log: () => undefined }).listen({ port: 0 });
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await service?.close();
    pos?.server.close();
    await spool?.close({ timeoutMs: 2000 });
    await printer?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a page on an allowed origin submits with the token and gets printed back', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${pos.origin}/`);
    const answer = await page.evaluate(
      async ({ url, token }) => {
        const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
        const submitted = await fetch(`${url}/api/receipts`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ transactionId: 'WEB-1', printer: 'front', content: ['Paid by card', { cut: true }] }),
        });
        const waited = await fetch(`${url}/api/receipts/WEB-1/wait?timeoutMs=20000`, { headers });
        return { submitted: submitted.status, waited: waited.status, job: ((await waited.json()) as { job: { state: string } }).job };
      },
      { url: service.url, token: TOKEN },
    );
    expect(answer).toMatchObject({ submitted: 201, waited: 200, job: { state: 'printed' } });
    expect(printer.journal.receipts.some((r) => r.complete && r.text.includes('Paid by card'))).toBe(true);
    await page.close();
  });

  it('the same page without the token, or from an unlisted origin, is refused', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${pos.origin}/`);
    const without = await page.evaluate(
      async (url) =>
        (await fetch(`${url}/api/receipts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"transactionId":"WEB-2","content":["x"]}' })).status,
      service.url,
    );
    expect(without).toBe(401);
    // An unlisted origin: the service's own host under another name is a different origin.
    const other = service.url.replace('127.0.0.1', 'localhost');
    await page.goto(`${pos.origin.replace('localhost', '127.0.0.1')}/`);
    const unlisted = await page.evaluate(
      async ({ url, token }) =>
        fetch(`${url}/api/receipts`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: '{"transactionId":"WEB-3","content":["x"]}',
        }).then(
          (r) => `status ${r.status}`,
          () => 'blocked',
        ),
      { url: other, token: TOKEN },
    );
    expect(unlisted).toBe('blocked');
    expect(await spool.get('WEB-2')).toBeUndefined();
    expect(await spool.get('WEB-3')).toBeUndefined();
    await page.close();
  });

  it('shows a paper-out live and lets the operator reprint with who and why', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${service.url}/#token=${TOKEN}`);
    const front = page.locator('.printer[data-printer="front"]');
    await front.locator('.reason', { hasText: 'ready' }).waitFor({ timeout: 15_000 });
    expect(page.url()).not.toContain(TOKEN);

    printer.paperOut();
    await spool.submit({ transactionId: 'PAPER-1', printer: 'front', content: ['Latte 3.20', { cut: true }] });
    await front.locator('.reason', { hasText: 'paper out' }).waitFor({ timeout: 15_000 });
    await page.locator('#owed tr[data-transaction="PAPER-1"] .state', { hasText: 'needs-attention' }).waitFor({ timeout: 15_000 });
    if (SCREENSHOT) await page.screenshot({ path: SCREENSHOT, fullPage: true });

    printer.loadPaper();
    await page.locator('#recent tr[data-transaction="PAPER-1"] .state', { hasText: 'printed' }).waitFor({ timeout: 20_000 });
    await front.locator('.reason', { hasText: 'ready' }).waitFor({ timeout: 15_000 });

    await page.locator('#recent tr[data-transaction="PAPER-1"]').click();
    await page.locator('#detail h2', { hasText: 'PAPER-1' }).waitFor();
    await page.locator('[data-action="reprint"]').click();
    await page.locator('#ask input[name="by"]').fill('Ana (till 2)');
    await page.locator('#ask input[name="reason"]').fill('customer asked for a copy');
    await page.locator('#ask button[value="ok"]').click();
    await page.locator('#reprints li', { hasText: 'Ana (till 2)' }).waitFor({ timeout: 15_000 });

    expect(await spool.reprints('PAPER-1')).toMatchObject([{ by: 'Ana (till 2)', reason: 'customer asked for a copy' }]);
    await page.close();
  });
});

/** A stand-in for a browser POS app: an empty page on its own origin. */
async function servePosPage(): Promise<{ server: Server; origin: string }> {
  const server = createHttpServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end('<!doctype html><title>POS</title><p>POS');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { server, origin: `http://localhost:${port}` };
}
