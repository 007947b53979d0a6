// Turning a decoded picture into what an MNIST-style model reads: one gray channel, a bright digit
// on a dark background, rows x cols pixels (values 0..255).
import type { DecodedPng } from './png.js';

export interface GrayImage {
  readonly width: number;
  readonly height: number;
  /** 0..255, row-major. */
  readonly pixels: Float32Array;
  /** True when the alpha channel was read as the ink (a one-colour stroke on transparency). */
  readonly alphaInk?: boolean;
}

/**
 * Gray levels of a PNG. Transparent pixels are composited over white, except when the visible
 * pixels all have one colour (a stroke drawn on a transparent canvas): then alpha is the ink.
 */
export function toGray(png: DecodedPng): GrayImage {
  const { width, height, channels, pixels } = png;
  const n = width * height;
  const out = new Float32Array(n);
  const hasAlpha = channels === 2 || channels === 4;
  const luminance = (i: number): number =>
    channels >= 3 ? 0.299 * pixels[i * channels] + 0.587 * pixels[i * channels + 1] + 0.114 * pixels[i * channels + 2] : pixels[i * channels];
  if (hasAlpha) {
    const alpha = (i: number): number => pixels[i * channels + channels - 1];
    let min = 255;
    let max = 0;
    let translucent = false;
    for (let i = 0; i < n; i++) {
      if (alpha(i) < 255) translucent = true;
      if (alpha(i) > 0) {
        const l = luminance(i);
        min = Math.min(min, l);
        max = Math.max(max, l);
      }
    }
    if (translucent && max - min < 32) {
      // A one-colour stroke on transparency: alpha is the ink. Dark ink would read as dark-on-light, so it is bright here.
      for (let i = 0; i < n; i++) out[i] = alpha(i);
      return { width, height, pixels: out, alphaInk: true };
    }
    for (let i = 0; i < n; i++) {
      const a = alpha(i) / 255;
      out[i] = luminance(i) * a + 255 * (1 - a);
    }
    return { width, height, pixels: out };
  }
  for (let i = 0; i < n; i++) out[i] = luminance(i);
  return { width, height, pixels: out };
}

/** True when the picture is dark-on-light (its border is mostly bright), so it needs inverting for MNIST. */
export function isDarkOnLight(image: GrayImage): boolean {
  const { width, height, pixels } = image;
  let sum = 0;
  let count = 0;
  for (let x = 0; x < width; x++) {
    sum += pixels[x] + pixels[(height - 1) * width + x];
    count += 2;
  }
  for (let y = 1; y < height - 1; y++) {
    sum += pixels[y * width] + pixels[y * width + width - 1];
    count += 2;
  }
  return sum / count > 127;
}

export function invert(image: GrayImage): GrayImage {
  return { ...image, pixels: image.pixels.map((v) => 255 - v) };
}

/** Resizes by area averaging when shrinking (each target pixel averages the source area it covers) and bilinear sampling when enlarging. */
export function resize(image: GrayImage, width: number, height: number): GrayImage {
  if (image.width === width && image.height === height) return image;
  const out = new Float32Array(width * height);
  const sx = image.width / width;
  const sy = image.height / height;
  const src = image.pixels;
  for (let ty = 0; ty < height; ty++) {
    for (let tx = 0; tx < width; tx++) {
      out[ty * width + tx] = sx > 1 || sy > 1 ? areaAverage(image, tx * sx, ty * sy, sx, sy) : bilinear(src, image.width, image.height, (tx + 0.5) * sx - 0.5, (ty + 0.5) * sy - 0.5);
    }
  }
  return { width, height, pixels: out };
}

function areaAverage(image: GrayImage, x0: number, y0: number, w: number, h: number): number {
  let sum = 0;
  let weight = 0;
  for (let y = Math.floor(y0); y < Math.min(image.height, Math.ceil(y0 + h)); y++) {
    const wy = Math.min(y + 1, y0 + h) - Math.max(y, y0);
    for (let x = Math.floor(x0); x < Math.min(image.width, Math.ceil(x0 + w)); x++) {
      const wx = Math.min(x + 1, x0 + w) - Math.max(x, x0);
      sum += image.pixels[y * image.width + x] * wx * wy;
      weight += wx * wy;
    }
  }
  return weight > 0 ? sum / weight : 0;
}

function bilinear(src: Float32Array, w: number, h: number, x: number, y: number): number {
  const cx = Math.min(Math.max(x, 0), w - 1);
  const cy = Math.min(Math.max(y, 0), h - 1);
  const x0 = Math.floor(cx);
  const y0 = Math.floor(cy);
  const x1 = Math.min(x0 + 1, w - 1);
  const y1 = Math.min(y0 + 1, h - 1);
  const fx = cx - x0;
  const fy = cy - y0;
  const top = src[y0 * w + x0] * (1 - fx) + src[y0 * w + x1] * fx;
  const bottom = src[y1 * w + x0] * (1 - fx) + src[y1 * w + x1] * fx;
  return top * (1 - fy) + bottom * fy;
}
