// What `keel predict` reads: a PNG picture or an IDX file of images, as model inputs.
import { DataSourceError, IdxFormatError, MAX_IDX_FILE_BYTES, isGzip, parseIdx } from '@keel/data';
import { readRegularFile } from '@keel/data/node';
import { CliError, EXIT, usageError } from './errors.js';
import { invert, isDarkOnLight, resize, toGray, type GrayImage } from './image.js';
import { decodePng, isPng, PNG_SIGNATURE, PngError } from './png.js';

export interface PredictInput {
  /** count x rows x cols values, scaled like the training data. */
  readonly values: Float32Array;
  readonly count: number;
  /** For people: 'digit.png (64x64 RGBA, inverted, resized to 28x28)'. */
  readonly description: string;
}

/** Reads `path` as a PNG or IDX file and returns up to `limit` images of rows x cols, times `scale`. */
export async function readPredictInput(path: string, rows: number, cols: number, scale: number, limit: number | undefined): Promise<PredictInput> {
  let bytes: Uint8Array;
  try {
    bytes = await readRegularFile(path, { maxBytes: MAX_IDX_FILE_BYTES, what: 'PNG or IDX file' });
  } catch (error) {
    if (error instanceof DataSourceError) throw new CliError(error.message, EXIT.failure, { cause: error });
    throw error;
  }
  const kind = kindOf(path, bytes);
  if (kind === 'png') {
    if (limit !== undefined) throw usageError(`--limit ${limit}: ${path} is a PNG, one image; --limit is for an IDX file of many images`);
    let gray: GrayImage;
    try {
      gray = toGray(decodePng(bytes));
    } catch (error) {
      if (error instanceof PngError) throw new CliError(`${path}: ${error.message}`, EXIT.failure, { cause: error });
      throw error;
    }
    const notes = [`${gray.width}x${gray.height}`, ...(gray.alphaInk === true ? ['a stroke on transparency, alpha read as ink'] : [])];
    if (isDarkOnLight(gray)) {
      gray = invert(gray);
      notes.push('dark on light, inverted');
    }
    if (gray.width !== cols || gray.height !== rows) {
      gray = resize(gray, cols, rows);
      notes.push(`resized to ${cols}x${rows}`);
    }
    return { values: gray.pixels.map((v) => v * scale), count: 1, description: `${path} (${notes.join(', ')})` };
  }
  return readIdxImages(path, bytes, rows, cols, scale, limit);
}

/** Which reader a file is for, from its first bytes; anything else is an error that says what the file is. */
function kindOf(path: string, bytes: Uint8Array): 'png' | 'idx' {
  if (bytes.length === 0) throw new CliError(`${path} is empty (0 bytes); give a PNG image or an IDX file of images`, EXIT.failure);
  if (isPng(bytes)) return 'png';
  const looksIdx = bytes.length >= 2 && ((bytes[0] === 0 && bytes[1] === 0) || isGzip(bytes));
  const saysPng = /\.png$/i.test(path);
  if (looksIdx && !saysPng) return 'idx';
  const start = `starts with ${[...bytes.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join(' ')}${printable(bytes)}`;
  const other = otherFormat(bytes);
  if (saysPng) {
    const what = other === undefined ? (PNG_SIGNATURE.subarray(0, bytes.length).every((b, i) => bytes[i] === b) ? 'a truncated PNG' : 'not a PNG') : `not a PNG but ${other}`;
    throw new CliError(`${path} is ${what} (${bytes.length} bytes, ${start}; a PNG starts with 89 50 4e 47 0d 0a 1a 0a)`, EXIT.failure);
  }
  const is = other === undefined ? 'neither a PNG image nor an IDX file of images' : `${other}, not a PNG image or an IDX file of images`;
  throw new CliError(`${path} is ${is} (${start})${other === undefined ? '' : '; convert it to PNG first'}`, EXIT.failure);
}

/** Image formats people may pass instead of a PNG, by their magic bytes. */
function otherFormat(bytes: Uint8Array): string | undefined {
  const ascii = String.fromCharCode(...bytes.subarray(0, 12));
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'a JPEG image';
  if (ascii.startsWith('GIF8')) return 'a GIF image';
  if (ascii.startsWith('BM')) return 'a BMP image';
  if (ascii.startsWith('RIFF') && ascii.slice(8, 12) === 'WEBP') return 'a WebP image';
  if (ascii.startsWith('<svg') || ascii.startsWith('<?xml')) return 'an SVG (XML) file';
  return undefined;
}

/** ' ("<!DOCTYPE")' when the first bytes are text, so an HTML page saved as .png is recognisable. */
function printable(bytes: Uint8Array): string {
  const head = bytes.subarray(0, 8);
  return head.every((b) => b >= 0x20 && b < 0x7f) ? ` "${String.fromCharCode(...head)}"` : '';
}

function readIdxImages(path: string, bytes: Uint8Array, rows: number, cols: number, scale: number, limit: number | undefined): PredictInput {
  let idx;
  try {
    idx = parseIdx(bytes, path);
  } catch (error) {
    if (error instanceof IdxFormatError) throw new CliError(`${error.message} (read as an IDX file of images)`, EXIT.failure, { cause: error });
    throw error;
  }
  if (idx.dtype !== 'uint8' || idx.shape.length !== 3) {
    throw new CliError(`${path} holds ${idx.dtype} [${idx.shape.join(', ')}]; an IDX images file is uint8 [count, rows, cols]${shapeHint(idx.shape, rows, cols)}`, EXIT.failure);
  }
  const [total, h, w] = idx.shape;
  const count = Math.min(total, limit ?? total);
  const values = new Float32Array(count * rows * cols);
  for (let i = 0; i < count; i++) {
    let image: GrayImage = { width: w, height: h, pixels: Float32Array.from(idx.data.subarray(i * h * w, (i + 1) * h * w)) };
    image = resize(image, cols, rows);
    for (let j = 0; j < rows * cols; j++) values[i * rows * cols + j] = image.pixels[j] * scale;
  }
  const resized = h !== rows || w !== cols ? `, resized to ${cols}x${rows}` : '';
  return { values, count, description: `${path} (${count === total ? '' : `first ${count} of `}${total} image${total === 1 ? '' : 's'} of ${w}x${h}${resized})` };
}

/**
 * What an IDX file of another shape than [count, rows, cols] may be, and how to write it so predict
 * reads it: a 2-D [a, b] may be one image or `a` flattened ones, and predict does not guess.
 */
function shapeHint(shape: readonly number[], rows: number, cols: number): string {
  if (shape.length === 1) return ' (this looks like a labels file)';
  if (shape.length === 2) {
    const [a, b] = shape;
    const flat = b === rows * cols ? `, or ${a} flattened images as [${a}, ${rows}, ${cols}]` : '';
    return ` (a 2-D file is one image of ${a} rows of ${b} pixels, or ${a} images of ${b} values each, and predict does not guess: write one image as [1, ${a}, ${b}] or as a PNG${flat})`;
  }
  if (shape.length === 4 && shape[3] === 1) return ` (one channel: write it as [${shape.slice(0, 3).join(', ')}])`;
  return '';
}
