/**
 * The safetensors format (https://huggingface.co/docs/safetensors), written from its spec:
 *
 *   8 bytes   N, the header length, an unsigned 64-bit little-endian integer
 *   N bytes   the header: UTF-8 JSON, an object mapping each tensor name to
 *             { "dtype": "F32" | "F64", "shape": [...], "data_offsets": [begin, end] }
 *             (offsets relative to the data buffer below), plus an optional "__metadata__"
 *             object of string values; padded with spaces so the data starts 8-byte aligned
 *   the rest  the tensors' raw little-endian, row-major bytes, contiguous, with no holes
 *
 * Keel writes F32 and F64 only (its two dtypes) and reads them back; other dtypes are rejected
 * with a message. Browser-safe: no Node imports.
 */
import type { DType, TypedArray } from '@keel/tensor';
import { checkBytes } from './arguments.js';
import { describeArgument } from '../describe.js';
import { ModelFileError } from './errors.js';

/** What `encodeSafetensors` needs of a tensor; a `Tensor` has all of it. */
export interface TensorData {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly values: TypedArray;
}

/** A tensor read back from a safetensors file (its values are a fresh copy). */
export interface DecodedTensor {
  readonly dtype: DType;
  readonly shape: number[];
  readonly values: Float32Array | Float64Array;
}

export interface DecodedSafetensors {
  /** The tensors, in the order of their data in the file. */
  readonly tensors: Map<string, DecodedTensor>;
  /** The `__metadata__` map ({} when the file has none). */
  readonly metadata: Record<string, string>;
}

/** The reference implementation refuses headers above 100 MB; so does Keel. */
export const MAX_HEADER_BYTES = 100_000_000;

const METADATA_KEY = '__metadata__';

const CODES: Record<DType, 'F32' | 'F64'> = { float32: 'F32', float64: 'F64' };
const BYTES: Record<DType, number> = { float32: 4, float64: 8 };

/** Every dtype the safetensors spec defines; Keel reads F32 and F64 of them. */
const SPEC_DTYPES = new Set(['BOOL', 'U8', 'I8', 'F8_E5M2', 'F8_E4M3', 'I16', 'U16', 'F16', 'BF16', 'I32', 'U32', 'F32', 'F64', 'I64', 'U64']);

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function product(shape: readonly number[]): number {
  let size = 1;
  for (const dim of shape) size *= dim;
  return size;
}

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** Copies `values` into `out` at `offset` as little-endian bytes, bit for bit (NaN payloads included). */
function writeValues(out: Uint8Array, offset: number, values: TypedArray): void {
  if (LITTLE_ENDIAN_HOST) {
    out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), offset);
    return;
  }
  const view = new DataView(out.buffer, out.byteOffset + offset, values.byteLength);
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const width = values.BYTES_PER_ELEMENT;
  // Reverse each element's native (big-endian) bytes.
  for (let i = 0; i < values.length; i++) {
    for (let b = 0; b < width; b++) view.setUint8(i * width + b, bytes[i * width + width - 1 - b]);
  }
}

/** The values stored little-endian in `bytes`, as a fresh array. */
function readValues(bytes: Uint8Array, dtype: DType): Float32Array | Float64Array {
  const width = BYTES[dtype];
  // An own, aligned buffer (explicitly: a Node Buffer's slice() would be a view, not a copy).
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  if (!LITTLE_ENDIAN_HOST) {
    for (let i = 0; i < copy.length; i += width) copy.subarray(i, i + width).reverse();
  }
  return dtype === 'float64' ? new Float64Array(copy.buffer, 0, copy.length / 8) : new Float32Array(copy.buffer, 0, copy.length / 4);
}

/**
 * Encodes named tensors (and an optional string-to-string metadata map) as a safetensors file.
 * Tensor data is laid out F64 first, then F32, each by name (as the reference writer does), so
 * every tensor starts aligned to its element size.
 */
export function encodeSafetensors(tensors: ReadonlyMap<string, TensorData>, metadata?: Readonly<Record<string, string>>): Uint8Array<ArrayBuffer> {
  if (!((tensors as unknown) instanceof Map)) throw new TypeError(`encodeSafetensors(tensors) must be a Map from names to { dtype, shape, values }, got ${describeArgument(tensors)}`);
  if (metadata !== undefined && (typeof metadata !== 'object' || metadata === null)) {
    throw new TypeError(`encodeSafetensors(tensors, metadata) must be an object of strings, or left out, got ${describeArgument(metadata)}`);
  }
  const entries = [...tensors].map(([name, t]) => {
    if (name === METADATA_KEY) throw new TypeError(`safetensors: a tensor cannot be named '${METADATA_KEY}' (the key is reserved for metadata)`);
    const given: unknown = t;
    if (typeof given !== 'object' || given === null || !Array.isArray((given as { shape?: unknown }).shape)) {
      throw new TypeError(`safetensors: tensor '${name}' is ${describeArgument(t)}; expected { dtype, shape, values } (a Tensor is one)`);
    }
    if (t.dtype !== 'float32' && t.dtype !== 'float64') {
      throw new TypeError(`safetensors: tensor '${name}' has dtype '${String(t.dtype)}'; only float32 and float64 can be written`);
    }
    const expected = t.dtype === 'float64' ? Float64Array : Float32Array;
    if (!(t.values instanceof expected)) {
      throw new TypeError(`safetensors: tensor '${name}' is ${t.dtype} but its values are ${describeArgument(t.values)}`);
    }
    for (const dim of t.shape) {
      if (!Number.isSafeInteger(dim) || dim < 0) throw new TypeError(`safetensors: tensor '${name}' has an invalid shape ${shapeText(t.shape)}`);
    }
    if (product(t.shape) !== t.values.length) {
      throw new TypeError(`safetensors: tensor '${name}' has ${t.values.length} values, but its shape ${shapeText(t.shape)} needs ${product(t.shape)}`);
    }
    return { name, dtype: t.dtype, shape: [...t.shape], values: t.values };
  });
  entries.sort((a, b) => (a.dtype !== b.dtype ? (a.dtype === 'float64' ? -1 : 1) : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const parts: string[] = [];
  if (metadata !== undefined) {
    for (const [key, value] of Object.entries(metadata)) {
      if (typeof value !== 'string') throw new TypeError(`safetensors: metadata '${key}' is a ${typeof value}; metadata values must be strings`);
    }
    parts.push(`${JSON.stringify(METADATA_KEY)}:${JSON.stringify(metadata)}`);
  }
  let offset = 0;
  const placed = entries.map((entry) => {
    const begin = offset;
    offset += entry.values.byteLength;
    parts.push(`${JSON.stringify(entry.name)}:{"dtype":"${CODES[entry.dtype]}","shape":${JSON.stringify(entry.shape)},"data_offsets":[${begin},${offset}]}`);
    return { begin, values: entry.values };
  });
  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  const headerLength = Math.ceil(json.length / 8) * 8;
  const dataStart = 8 + headerLength;

  const out = new Uint8Array(dataStart + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, dataStart);
  for (const { begin, values } of placed) writeValues(out, dataStart + begin, values);
  return out;
}

function fail(message: string, source: string | undefined): never {
  throw new ModelFileError(message, source);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

interface HeaderEntry {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: number[];
  readonly begin: number;
  readonly end: number;
}

function parseEntry(name: string, info: unknown, source: string | undefined): HeaderEntry {
  const where = `tensor '${name}'`;
  if (!isRecord(info)) fail(`${where}: the header entry is ${describeValue(info)}, expected { dtype, shape, data_offsets }`, source);
  const { dtype: code, shape, data_offsets: offsets } = info;
  if (typeof code !== 'string') fail(`${where}: dtype is ${describeValue(code)}, expected a string such as "F32"`, source);
  let dtype: DType;
  if (code === 'F32') dtype = 'float32';
  else if (code === 'F64') dtype = 'float64';
  else if (SPEC_DTYPES.has(code)) fail(`${where}: dtype ${code} is not supported (Keel reads F32 and F64)`, source);
  else fail(`${where}: unknown dtype '${code}' (Keel reads F32 and F64)`, source);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
    fail(`${where}: shape ${JSON.stringify(shape) ?? 'undefined'} is not a list of non-negative integers`, source);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && (o as number) >= 0)) {
    fail(`${where}: data_offsets ${JSON.stringify(offsets) ?? 'undefined'} is not a pair [begin, end] of non-negative integers`, source);
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin) fail(`${where}: data_offsets [${begin}, ${end}] are out of range (the end comes before the begin)`, source);
  const count = product(shape as number[]);
  const needed = count * BYTES[dtype];
  if (!Number.isSafeInteger(needed)) fail(`${where}: shape ${shapeText(shape as number[])} is too large`, source);
  if (end - begin !== needed) {
    fail(
      `${where}: data_offsets [${begin}, ${end}] hold ${end - begin} bytes, but ${code} shape ${shapeText(shape as number[])} needs ${count} × ${BYTES[dtype]} = ${needed}`,
      source,
    );
  }
  return { name, dtype, shape: shape as number[], begin, end };
}

/**
 * Decodes a safetensors file, validating everything: the header length against the file, the
 * header's JSON, every dtype, shape and offset pair (in range, contiguous, not overlapping, sized
 * shape × dtype) and the data length. Any problem throws a `ModelFileError` that says what is
 * wrong; `source` (a file name) prefixes its message.
 */
export function decodeSafetensors(input: Uint8Array | ArrayBuffer, source?: string): DecodedSafetensors {
  checkBytes('decodeSafetensors(input)', input, 'a safetensors file');
  // A plain Uint8Array view, whatever came in (an ArrayBuffer, a Node Buffer ...).
  const bytes = input instanceof Uint8Array ? new Uint8Array(input.buffer, input.byteOffset, input.byteLength) : new Uint8Array(input);
  if (bytes.length < 8) {
    fail(`not a safetensors file: it has ${bytes.length} bytes, too few for the 8-byte header length`, source);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const declared = view.getBigUint64(0, true);
  const rest = bytes.length - 8;
  if (declared > BigInt(rest)) {
    fail(`not a safetensors file, or a truncated one: the header length ${declared} is larger than the file (${rest} bytes after the length)`, source);
  }
  const headerLength = Number(declared);
  if (headerLength > MAX_HEADER_BYTES) fail(`the header is ${headerLength} bytes, more than the ${MAX_HEADER_BYTES} safetensors allows`, source);

  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(8, 8 + headerLength));
  } catch {
    fail('the header is not valid UTF-8', source);
  }
  if (!text.startsWith('{')) {
    fail(`the header is not JSON: it should start with '{' but starts with ${JSON.stringify(text.slice(0, 16).trimEnd())}`, source);
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (error) {
    fail(`the header is not valid JSON (${(error as Error).message})`, source);
  }
  if (!isRecord(header)) fail('the header is not a JSON object', source);

  const metadata: Record<string, string> = {};
  const entries: HeaderEntry[] = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === METADATA_KEY) {
      if (!isRecord(info)) fail(`${METADATA_KEY} is ${describeValue(info)}, expected an object of strings`, source);
      for (const [key, value] of Object.entries(info)) {
        if (typeof value !== 'string') fail(`${METADATA_KEY} '${key}' is ${describeValue(value)}; metadata values must be strings`, source);
        metadata[key] = value;
      }
      continue;
    }
    entries.push(parseEntry(name, info, source));
  }

  // The data must be covered exactly: sorted by offsets, each tensor starts where the last ended.
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let previous: HeaderEntry | undefined;
  for (const entry of entries) {
    if (entry.begin < covered) {
      fail(`tensor '${entry.name}' (bytes ${entry.begin}..${entry.end}) overlaps tensor '${previous!.name}' (bytes ${previous!.begin}..${previous!.end})`, source);
    }
    if (entry.begin > covered) {
      fail(
        `tensor '${entry.name}' starts at byte ${entry.begin} of the data, but ${previous === undefined ? 'the data starts at 0' : `tensor '${previous.name}' ends at ${previous.end}`}: bytes ${covered}..${entry.begin} belong to no tensor (safetensors data must be contiguous)`,
        source,
      );
    }
    covered = entry.end;
    previous = entry;
  }
  const available = rest - headerLength;
  if (covered > available) {
    const cut = entries.find((entry) => entry.end > available)!;
    fail(
      `truncated: the header promises ${covered} bytes of tensor data, the file has ${available} (tensor '${cut.name}' at bytes ${cut.begin}..${cut.end} is cut off)`,
      source,
    );
  }
  if (covered < available) {
    fail(`the file has ${available} bytes of tensor data, but the header accounts for only ${covered} (${available - covered} trailing bytes): it is damaged or was not written by Keel; save the model again`, source);
  }

  const dataStart = 8 + headerLength;
  const tensors = new Map<string, DecodedTensor>();
  for (const entry of entries) {
    const values = readValues(bytes.subarray(dataStart + entry.begin, dataStart + entry.end), entry.dtype);
    tensors.set(entry.name, { dtype: entry.dtype, shape: entry.shape, values });
  }
  return { tensors, metadata };
}
