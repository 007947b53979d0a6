// What `keel predict` reads: a PNG picture or an IDX file of images, as model inputs.
import { readFile } from 'node:fs/promises';
import { IdxFormatError } from '@keel/data';
import { readIdxFile } from '@keel/data/node';
import { CliError, EXIT } from './errors.js';
import { invert, isDarkOnLight, resize, toGray, type GrayImage } from './image.js';
import { decodePng, isPng, PngError } from './png.js';

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
    bytes = await readFile(path);
  } catch (error) {
    throw new CliError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`, EXIT.failure, { cause: error });
  }
  if (isPng(bytes)) {
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
  return readIdxImages(path, rows, cols, scale, limit);
}

async function readIdxImages(path: string, rows: number, cols: number, scale: number, limit: number | undefined): Promise<PredictInput> {
  let idx;
  try {
    idx = await readIdxFile(path);
  } catch (error) {
    if (error instanceof IdxFormatError && error.code === 'bad-magic') {
      throw new CliError(`${path} is neither a PNG image nor an IDX file of images`, EXIT.failure, { cause: error });
    }
    throw error;
  }
  const shape = idx.shape.length === 2 ? [1, ...idx.shape] : idx.shape;
  if (idx.dtype !== 'uint8' || shape.length !== 3) {
    throw new CliError(`${path} holds ${idx.dtype} [${idx.shape.join(', ')}]; an IDX images file is uint8 [count, rows, cols]${idx.shape.length === 1 ? ' (this looks like a labels file)' : ''}`, EXIT.failure);
  }
  const [total, h, w] = shape;
  const count = Math.min(total, limit ?? total);
  const values = new Float32Array(count * rows * cols);
  for (let i = 0; i < count; i++) {
    let image: GrayImage = { width: w, height: h, pixels: Float32Array.from(idx.data.subarray(i * h * w, (i + 1) * h * w)) };
    image = resize(image, cols, rows);
    for (let j = 0; j < rows * cols; j++) values[i * rows * cols + j] = image.pixels[j] * scale;
  }
  const resized = h !== rows || w !== cols ? `, resized to ${cols}x${rows}` : '';
  return { values, count, description: `${path} (${count === total ? '' : `first ${count} of `}${total} images of ${w}x${h}${resized})` };
}
