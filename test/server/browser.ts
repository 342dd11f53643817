/** Debian's Chromium driven by playwright-core, started the way this machine's closed network needs. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium as playwright, type BrowserContext } from 'playwright-core';
import { chromiumPath } from '../support/requirements.js';

export async function launchBrowser(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'receipt-spool-chromium-'));
  const context = await playwright.launchPersistentContext(profile, {
    executablePath: chromiumPath()!,
    headless: true,
    viewport: { width: 1024, height: 900 },
    // Background services would try hosts this machine cannot reach, many at a time.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
