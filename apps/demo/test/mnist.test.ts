// The MNIST trainer in a real Chromium, against the built site: training in the worker reaches
// > 85% validation accuracy within a few hundred steps; drawing real test digits with the mouse
// gives predictions; a saved model (IndexedDB and the downloaded file) reloads and predicts the
// same; injected bugs make the doctor's findings appear, and Fix clears them; the LR finder
// suggests a rate.
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { bannerError, browser, closeBrowser, openPage, screenshot } from './browser.js';
import { drawDigit, predictionOfDrawing, testDigit } from './mnist-digits.js';

afterAll(closeBrowser);

async function openTrainer(viewport?: { width: number; height: number }): Promise<{ page: Page; problems: string[] }> {
  const opened = await openPage('/mnist/', viewport);
  await opened.page.waitForSelector('#mnist-status[data-ready="true"]');
  return opened;
}

function statusOf(page: Page): Promise<Record<string, string | undefined>> {
  return page.evaluate(() => ({ ...document.getElementById('mnist-status')!.dataset }));
}

/** The finding codes the diagnostics rail shows. */
async function railCodes(page: Page): Promise<string[]> {
  return page.locator('#findings .finding').evaluateAll((items) => items.map((i) => (i as HTMLElement).dataset.code!));
}

describe('MNIST trainer', () => {
  let page: Page;
  let problems: string[];
  const digits = [0, 1, 2, 3, 4, 5, 6, 7].map(testDigit);

  it('trains in the worker: after a few hundred steps the shown validation accuracy is above 85%', async () => {
    ({ page, problems } = await openTrainer());
    expect(await page.getAttribute('#backend', 'data-backend')).toMatch(/^(wasm|js)$/);
    console.log(`MNIST page: ${await page.textContent('#backend')}; ${await page.textContent('#data-status')}`);
    const started = Date.now();
    await page.click('#train');
    await page.waitForFunction(() => {
      const s = document.getElementById('mnist-status')!.dataset;
      return Number(s.evalStep) >= 300 && Number(s.valAccuracy) > 0.85;
    }, undefined);
    const status = await statusOf(page);
    console.log(`MNIST: validation accuracy ${status.valAccuracy} at step ${status.evalStep} (${((Date.now() - started) / 1000).toFixed(1)} s after Train)`);
    expect(Number(status.valAccuracy)).toBeGreaterThan(0.85);
    expect(await page.textContent('#val-accuracy')).toMatch(/^(8[5-9]|9\d)\.\d%$/);
    // The live views are there: a card per layer with its histograms, and the charts.
    expect(await page.locator('.layer-card').count()).toBe(2);
    await page.click('#stop');
    await page.waitForSelector('#mnist-status[data-state="stopped"]');
    await page.waitForSelector('#summary[data-test-accuracy]');
    await screenshot(page, 'mnist-trained');
    expect(await bannerError(page)).toBeUndefined();
  });

  it('predicts digits drawn on the pad with the mouse (strokes tracing real test images)', async () => {
    await browser(); // fails with the set-up's message when the tests cannot run here
    let correct = 0;
    const results: string[] = [];
    for (const digit of digits) {
      await drawDigit(page, digit.pixels);
      const { digit: predicted, probabilities } = await predictionOfDrawing(page);
      expect(probabilities).toHaveLength(10);
      expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
      results.push(`${digit.label}→${predicted}`);
      if (predicted === digit.label) correct++;
    }
    console.log(`drawn test digits (label→prediction): ${results.join(' ')}`);
    await screenshot(page, 'mnist-drawn-digit');
    // A model at ~90% on MNIST reads most retraced digits right; the strokes are coarser than the originals.
    expect(correct).toBeGreaterThanOrEqual(6);
    expect(problems).toEqual([]);
  });

  it('saves the model (in the browser and as a file); after a reload both load back and predict the same', async () => {
    await browser();
    const digit = digits[0];
    await drawDigit(page, digit.pixels);
    const before = await predictionOfDrawing(page);
    await page.click('#save');
    await page.waitForSelector('#model-status[data-state="saved"]');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    const file = await download.path();
    expect((await readFile(file)).length).toBeGreaterThan(100_000); // 784·128 + 128·10 float32 weights and more

    await page.reload();
    await page.waitForSelector('#mnist-status[data-ready="true"]');
    expect(await page.textContent('#model-info')).toBe('No model yet.');
    await page.click('#load');
    await page.waitForSelector('#model-status[data-state="loaded"]');
    await drawDigit(page, digit.pixels);
    const fromBrowser = await predictionOfDrawing(page);
    expect(fromBrowser.digit).toBe(before.digit);
    expect(fromBrowser.probabilities).toEqual(before.probabilities);

    await page.setInputFiles('#load-file', file);
    await page.waitForFunction(() => document.getElementById('model-info')?.textContent?.includes('file '));
    await drawDigit(page, digit.pixels);
    const fromFile = await predictionOfDrawing(page);
    expect(fromFile.probabilities).toEqual(before.probabilities);
    console.log(`saved model reloaded: predicts ${fromFile.digit} for a drawn ${digit.label} with the same probabilities (${before.probabilities[before.digit].toFixed(4)})`);
    expect(await bannerError(page)).toBeUndefined();
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows the doctor’s findings for "MSE on one-hot" and "raw pixels", and Fix retrains without the bug', async () => {
    const { page, problems } = await openTrainer();
    await page.check('#bug-mse-one-hot');
    await page.check('#bug-raw-pixels');
    await page.click('#train');
    await page.waitForSelector('#findings .finding[data-code="mse-on-classification"]');
    await page.waitForSelector('#findings .finding[data-code="inputs-not-normalized"]');
    expect(await page.getAttribute('.bug[data-bug="mse-one-hot"]', 'data-caught')).toBe('true');
    expect(await page.getAttribute('.bug[data-bug="raw-pixels"]', 'data-caught')).toBe('true');
    expect(await page.textContent('#findings .finding[data-code="mse-on-classification"]')).toMatch(/softmaxCrossEntropy/);
    expect(await page.textContent('#findings .finding[data-code="inputs-not-normalized"]')).toMatch(/255/);
    expect(await page.textContent('#setup-lines')).toMatch(/raw pixels 0–255 {2}← bug/);
    await screenshot(page, 'mnist-bugs-found');
    console.log(`findings with both bugs on: ${(await railCodes(page)).join(', ')}`);

    // Fix the MSE bug: the run restarts with cross-entropy; its finding is gone, the raw pixels' stays.
    await page.click('#bug-mse-one-hot-fix');
    await page.waitForFunction(() => document.getElementById('setup-lines')?.textContent?.includes('sparseSoftmaxCrossEntropy'));
    await page.waitForSelector('#findings .finding[data-code="inputs-not-normalized"]');
    expect(await railCodes(page)).not.toContain('mse-on-classification');
    expect(await page.isChecked('#bug-mse-one-hot')).toBe(false);
    await page.click('#stop');
    await page.waitForFunction(() => ['stopped', 'failed', 'finished'].includes(document.getElementById('mnist-status')!.dataset.state!));
    expect(problems.filter((p) => !p.includes('Training stopped'))).toEqual([]);
    await page.close();
  });

  it('runs the LR finder: plots loss against learning rate and offers its suggestion', async () => {
    const { page, problems } = await openTrainer();
    await page.click('#lr-find');
    await page.waitForSelector('#lr-figure[data-suggested]');
    const suggested = Number(await page.getAttribute('#lr-figure', 'data-suggested'));
    console.log(`LR finder (SGD with momentum): suggests ${suggested}`);
    expect(suggested).toBeGreaterThan(1e-3);
    expect(suggested).toBeLessThan(5);
    await page.click('#lr-use');
    expect(Number(await page.inputValue('#lr'))).toBeCloseTo(suggested, 2);
    await screenshot(page, 'mnist-lr-finder');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('fits a phone’s width (390 px) without sideways scrolling', async () => {
    const { page, problems } = await openTrainer({ width: 390, height: 844 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'mnist-phone');
    expect(problems).toEqual([]);
    await page.close();
  });
});
