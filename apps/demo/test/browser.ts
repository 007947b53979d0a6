// Launching Debian's Chromium through playwright-core (never `playwright install`), with a
// fresh profile per launch, and writing screenshots where the README says they are.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { inject } from 'vitest';
import { HANG_TIMEOUT_MS } from '../../../vitest.shared.js';
import { CHROMIUM, CHROMIUM_ARGS } from './chromium.mjs';

export const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'test-results', 'screenshots');

let launched: Promise<Browser> | undefined;

/**
 * The test file's Chromium, launched on first use. Every test starts by calling this, so when
 * the set-up found a problem (no Chromium, no built site) each test fails with that message.
 */
export function browser(): Promise<Browser> {
  const problem = inject('setupProblem');
  if (problem !== '') return Promise.reject(new Error(problem));
  launched ??= chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  return launched;
}

/** Closes the browser if this file launched one (afterAll). */
export async function closeBrowser(): Promise<void> {
  const running = launched;
  launched = undefined;
  if (running !== undefined) await (await running).close();
}

/** The URL of a page of the site under test. */
export function siteUrl(path: string): string {
  return `${inject('baseUrl')}${path}`;
}

/** A new page that fails the test on any console error or uncaught exception in the page or its workers. */
export async function openPage(path: string, viewport = { width: 1400, height: 1000 }): Promise<{ page: Page; problems: string[] }> {
  const context = await (await browser()).newContext({ viewport, acceptDownloads: true });
  // Waits end on the page's own signals (a state attribute, an event); the limit only guards against a hang.
  context.setDefaultTimeout(HANG_TIMEOUT_MS);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('worker', (worker) => worker.on('console', (message) => message.type() === 'error' && problems.push(`worker console error: ${message.text()}`)));
  await page.goto(siteUrl(path));
  return { page, problems };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** The error banner's text, if the page shows one (the page reports every failure there). */
export function bannerError(page: Page): Promise<string | undefined> {
  return page.evaluate(() => document.getElementById('error-banner')?.dataset.error);
}
