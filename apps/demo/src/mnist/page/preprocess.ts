// A drawing turned into an MNIST digit the way MNIST's own digits were made: the ink's bounding
// box scaled (keeping its aspect ratio, anti-aliased) to fit 20×20 pixels, then placed in a 28×28
// image so that its centre of mass sits at the centre. Without this, a digit drawn small or off
// to one side is a different input from anything in the training set.

/** The 28×28 ink intensities (0..1, row-major) of a canvas drawn in opaque ink on a transparent background; undefined when it is blank. */
export function mnistPixels(source: HTMLCanvasElement): Float32Array | undefined {
  const { width, height } = source;
  const alpha = source.getContext('2d')!.getImageData(0, 0, width, height).data;
  let left = width;
  let right = -1;
  let top = height;
  let bottom = -1;
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const a = alpha[4 * (y * width + x) + 3] / 255;
      if (a < 0.05) continue;
      left = Math.min(left, x);
      right = Math.max(right, x);
      top = Math.min(top, y);
      bottom = Math.max(bottom, y);
      mass += a;
      mx += a * x;
      my += a * y;
    }
  }
  if (right < 0) return undefined;
  const boxWidth = right - left + 1;
  const boxHeight = bottom - top + 1;
  const scale = 20 / Math.max(boxWidth, boxHeight);
  // Where the centre of mass lands after scaling, relative to the box's top-left corner.
  const cx = (mx / mass - left) * scale;
  const cy = (my / mass - top) * scale;
  const target = document.createElement('canvas');
  target.width = 28;
  target.height = 28;
  const ctx = target.getContext('2d', { willReadFrequently: true })!;
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(source, left, top, boxWidth, boxHeight, 14 - cx, 14 - cy, boxWidth * scale, boxHeight * scale);
  const small = ctx.getImageData(0, 0, 28, 28).data;
  const pixels = new Float32Array(784);
  for (let i = 0; i < 784; i++) pixels[i] = small[4 * i + 3] / 255;
  return pixels;
}
