// The XOR playground in a real Chromium: training reaches 100% on the page, the decision
// boundary is really drawn, the set-up lives in the URL, and the page fits a phone's width.
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { bannerError, closeBrowser, openPage, screenshot } from './browser.js';

afterAll(closeBrowser);

/** Mean and variance of the boundary canvas's luminance: a blank (or one-colour) canvas has variance ~0. */
function boundaryPixels(page: Page): Promise<{ mean: number; variance: number; colours: number }> {
  return page.evaluate(() => {
    const canvas = document.getElementById('boundary') as HTMLCanvasElement;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let sum = 0;
    let squares = 0;
    const colours = new Set<number>();
    const n = data.length / 4;
    for (let i = 0; i < data.length; i += 4) {
      const y = 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
      sum += y;
      squares += y * y;
      colours.add(((data[i] >> 4) << 8) | ((data[i + 1] >> 4) << 4) | (data[i + 2] >> 4));
    }
    const mean = sum / n;
    return { mean, variance: squares / n - mean * mean, colours: colours.size };
  });
}

describe('XOR playground', () => {
  it('trains XOR to 100% accuracy on the page and draws the decision boundary', async () => {
    const { page, problems } = await openPage(`/xor/?data=xor&layers=8:tanh&opt=adam&lr=0.03&seed=1`);
    await page.waitForSelector('#xor-status[data-ready="true"]');
    expect(await page.textContent('#backend')).toMatch(/backend: (wasm|js)/);
    const before = await boundaryPixels(page);
    await page.click('#start');
    await page.waitForFunction(() => document.getElementById('accuracy')?.dataset.accuracy === '1', undefined);
    await page.click('#start'); // pause
    await page.waitForSelector('#xor-status[data-state="paused"]');
    const epoch = Number(await page.getAttribute('#xor-status', 'data-epoch'));
    expect(epoch).toBeGreaterThan(0);
    // The boundary canvas shows a heat map in both class colours, not a blank or flat image.
    await page.waitForFunction((e) => Number(document.getElementById('boundary')?.dataset.drawn) >= e, epoch);
    const after = await boundaryPixels(page);
    console.log(`XOR: 100% after ${epoch} epochs; boundary canvas luminance variance ${after.variance.toFixed(0)} (before training ${before.variance.toFixed(0)}), ${after.colours} colours`);
    expect(after.variance).toBeGreaterThan(200);
    expect(after.colours).toBeGreaterThan(50);
    // Every neuron's own response map is drawn too (8 hidden units + 2 inputs + 1 output).
    expect(await page.locator('canvas.neuron').count()).toBe(11);
    expect(await page.locator('.network-links line').count()).toBe(2 * 8 + 8 * 1);
    expect(await page.textContent('#accuracy')).toBe('100%');
    await screenshot(page, 'xor-trained');
    expect(await bannerError(page)).toBeUndefined();
    expect(problems).toEqual([]);
  });

  it('keeps the whole set-up in the URL: a shared link restores it, and an edit updates the link', async () => {
    const { page, problems } = await openPage(`/xor/?data=circles&noise=0.05&layers=4:relu,3:tanh&init=heNormal&loss=meanSquaredError&opt=momentum&lr=0.05&batch=8&seed=7&backend=js`);
    await page.waitForSelector('#xor-status[data-ready="true"]');
    expect(await page.inputValue('#data')).toBe('circles');
    expect(await page.inputValue('#layer-1-units')).toBe('4');
    expect(await page.inputValue('#layer-2-activation')).toBe('tanh');
    expect(await page.inputValue('#init')).toBe('heNormal');
    expect(await page.inputValue('#loss')).toBe('meanSquaredError');
    expect(await page.inputValue('#optimizer')).toBe('momentum');
    expect(await page.inputValue('#lr')).toBe('0.05');
    expect(await page.getAttribute('#backend', 'data-backend')).toBe('js');
    expect(await page.locator('canvas.neuron').count()).toBe(2 + 4 + 3 + 1);
    // Edit with the keyboard: change the data set and add a layer.
    await page.selectOption('#data', 'spirals');
    await page.focus('#add-layer');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => location.search.includes('data=spirals') && location.search.includes('layers=4:relu,3:tanh,3:tanh'));
    expect(await page.locator('canvas.neuron').count()).toBe(2 + 4 + 3 + 3 + 3);
    // The spirals have three classes: three output units.
    await screenshot(page, 'xor-url-setup');
    expect(problems).toEqual([]);
  });

  it('fits a phone’s width (390 px) without sideways scrolling', async () => {
    const { page, problems } = await openPage(`/xor/?data=moons`, { width: 390, height: 844 });
    await page.waitForSelector('#xor-status[data-ready="true"]');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'xor-phone');
    expect(problems).toEqual([]);
  });
});
