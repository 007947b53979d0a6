// MNIST as the site serves it (vite/mnist-assets.ts copies the four IDX files, gzipped, under
// data/mnist/): fetched and gunzipped in a worker by @keel/data, and pixels turned into floats.
// The MNIST trainer and the speed page both load it this way.
import { idxClassificationFromUrl, type ClassificationSplit } from '@keel/data';

export interface Mnist {
  /** The 60,000 training images (bytes) and labels. */
  readonly train: ClassificationSplit;
  /** The 10,000 test images and labels. */
  readonly test: ClassificationSplit;
  /** Seconds to fetch and unzip them. */
  readonly seconds: number;
}

/** The absolute URL of the site's MNIST folder, for a worker to fetch from. */
export function mnistDataUrl(): string {
  return new URL(`${import.meta.env.BASE_URL}data/mnist/`, location.href).href;
}

export async function loadMnist(url: string): Promise<Mnist> {
  const started = performance.now();
  const set = await idxClassificationFromUrl(url, undefined, { classes: 10 });
  return { train: set.train, test: set.test, seconds: (performance.now() - started) / 1000 };
}

/** Pixels as float32 times `scale` (1/255 for 0..1); a plain loop, no boxed intermediates. */
export function scalePixels(images: Uint8Array, scale: number): Float32Array {
  const out = new Float32Array(images.length);
  for (let i = 0; i < images.length; i++) out[i] = images[i] * scale;
  return out;
}
