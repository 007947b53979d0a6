// The speed page in a real Chromium, against the built site: the `keel bench` MLP epoch on
// 'wasm' with 1 thread runs in its worker, completes the epoch and reaches ≥ 90% test accuracy.
// The time is only logged: speed is measured by `pnpm --filter @keel/demo bench`, never asserted.
import { afterAll, describe, expect, it } from 'vitest';
import { bannerError, closeBrowser, openPage, screenshot } from './browser.js';

afterAll(closeBrowser);

describe('Speed page', () => {
  it("runs keel bench's MLP epoch on 'wasm' with 1 thread and tests the model", async () => {
    const { page, problems } = await openPage('/bench/');
    await page.waitForSelector('#bench-result[data-status="idle"]');
    await page.click('#run-wasm-1');
    await page.waitForSelector('#bench-result[data-run="1"]:is([data-status="done"], [data-status="failed"])');
    const result = await page.locator('#bench-result').evaluate((element) => ({ ...(element as HTMLElement).dataset }));
    console.log(`speed page: one epoch on ${result.backend}, ${result.threads} thread(s): ${Number(result.seconds).toFixed(2)} s, ${Math.round(Number(result.samplesPerSecond))} images/s, test accuracy ${result.accuracy}`);
    expect(result.error).toBeUndefined();
    expect(result.status).toBe('done');
    expect(result).toMatchObject({ backend: 'wasm', threads: '1' });
    const seconds = Number(result.seconds);
    expect(Number.isFinite(seconds) && seconds > 0).toBe(true);
    expect(Number(result.accuracy)).toBeGreaterThanOrEqual(0.9);
    expect(await page.locator('#bench-runs tr').count()).toBe(1);
    await screenshot(page, 'bench-epoch');
    expect(await bannerError(page)).toBeUndefined();
    expect(problems).toEqual([]);
  });
});
