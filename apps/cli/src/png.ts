// A small PNG decoder: 8-bit (and 16-bit) grayscale, RGB, gray+alpha and RGBA images, not
// interlaced, filters 0-4, IDAT chunks concatenated and inflated with node:zlib.
import { inflateSync } from 'node:zlib';

export const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

/**
 * The most pixels decodePng accepts (4096x4096): a model reads 28x28-ish pictures, and a PNG of a few
 * hundred kilobytes can declare 20000x20000 pixels that take gigabytes to inflate. Checked on the
 * IHDR header, before any image data is inflated.
 */
export const MAX_PNG_PIXELS = 4096 * 4096;

export class PngError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PngError';
  }
}

export interface DecodedPng {
  readonly width: number;
  readonly height: number;
  /** 1 (gray), 2 (gray, alpha), 3 (RGB) or 4 (RGBA). */
  readonly channels: number;
  /** Samples scaled to 0..255, row-major, `channels` per pixel. */
  readonly pixels: Uint8Array;
}

const CHANNELS: Readonly<Record<number, number>> = { 0: 1, 2: 3, 4: 2, 6: 4 };

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Undoes the per-row filters in place; returns the raw scanlines without filter bytes. */
function unfilter(data: Uint8Array, height: number, stride: number, bpp: number): Uint8Array {
  if (data.length < height * (stride + 1)) throw new PngError(`the image data is truncated: ${data.length} bytes after inflating, ${height * (stride + 1)} expected`);
  const out = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = data[y * (stride + 1)];
    const src = y * (stride + 1) + 1;
    const row = y * stride;
    const prev = row - stride;
    for (let x = 0; x < stride; x++) {
      const raw = data[src + x];
      const a = x >= bpp ? out[row + x - bpp] : 0;
      const b = y > 0 ? out[prev + x] : 0;
      const c = x >= bpp && y > 0 ? out[prev + x - bpp] : 0;
      let value: number;
      switch (filter) {
        case 0: value = raw; break;
        case 1: value = raw + a; break;
        case 2: value = raw + b; break;
        case 3: value = raw + ((a + b) >> 1); break;
        case 4: value = raw + paeth(a, b, c); break;
        default: throw new PngError(`row ${y} has filter type ${filter}; PNG defines 0-4`);
      }
      out[row + x] = value & 0xff;
    }
  }
  return out;
}

function checkPixelCount(width: number, height: number, maxPixels: number): void {
  if (width * height <= maxPixels) return;
  const side = Math.sqrt(maxPixels);
  const cap = Number.isInteger(side) ? `${side}x${side}` : `${maxPixels.toLocaleString('en-US')} pixels`;
  throw new PngError(
    `the image is ${width}x${height} (${(width * height).toLocaleString('en-US')} pixels), more than the ${cap} (${maxPixels.toLocaleString('en-US')} pixels) read here; ` +
      'shrink it first (the model reads small pictures, such as 28x28)',
  );
}

export function decodePng(bytes: Uint8Array, maxPixels = MAX_PNG_PIXELS): DecodedPng {
  if (!isPng(bytes)) throw new PngError('not a PNG file (the signature is missing)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 8;
  let header: { width: number; height: number; depth: number; color: number; interlace: number } | undefined;
  const idat: Uint8Array[] = [];
  while (offset + 8 <= bytes.length) {
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    const start = offset + 8;
    if (start + length + 4 > bytes.length) throw new PngError(`the ${type} chunk at byte ${offset} is truncated`);
    const data = bytes.subarray(start, start + length);
    if (type === 'IHDR') {
      if (length < 13) throw new PngError('the IHDR chunk is too short');
      header = { width: view.getUint32(start), height: view.getUint32(start + 4), depth: data[8], color: data[9], interlace: data[12] };
      checkPixelCount(header.width, header.height, maxPixels);
    } else if (type === 'IDAT') {
      idat.push(data);
    } else if (type === 'IEND') {
      break;
    }
    offset = start + length + 4;
  }
  if (header === undefined) throw new PngError('no IHDR chunk');
  const { width, height, depth, color, interlace } = header;
  const channels = CHANNELS[color];
  if (channels === undefined) throw new PngError(`color type ${color} is not supported (only 0 gray, 2 RGB, 4 gray+alpha, 6 RGBA; save the image without a palette)`);
  if (depth !== 8 && depth !== 16) throw new PngError(`bit depth ${depth} is not supported (only 8, or 16)`);
  if (interlace !== 0) throw new PngError('interlaced PNGs are not supported; save it without interlacing');
  if (width === 0 || height === 0) throw new PngError(`the image is ${width}x${height}`);
  if (idat.length === 0) throw new PngError('no IDAT chunk (no image data)');
  const bytesPerSample = depth / 8;
  const bpp = channels * bytesPerSample;
  // a filter byte and the samples per row: the header's size, so data that inflates to more cannot fill memory
  const expected = height * (width * bpp + 1);
  let inflated: Uint8Array;
  try {
    inflated = inflateSync(Buffer.concat(idat), { maxOutputLength: expected });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new PngError(`the image data inflates to more than the ${expected.toLocaleString('en-US')} bytes a ${width}x${height} image has; the file is corrupt`);
    }
    throw new PngError(`the image data does not inflate (${(error as Error).message})`);
  }
  const raw = unfilter(inflated, height, width * bpp, bpp);
  if (depth === 8) return { width, height, channels, pixels: raw };
  const pixels = new Uint8Array(width * height * channels);
  for (let i = 0; i < pixels.length; i++) pixels[i] = raw[i * 2]; // the high byte of each 16-bit sample
  return { width, height, channels, pixels };
}
