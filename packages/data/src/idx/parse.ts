import { IDX_TYPE_CODES, MAX_IDX_DATA_BYTES, hexByte, knownTypeCodes, type IdxArray, type IdxDtype } from './dtype.js';
import { bytesArgument, optionalStringArgument } from '../arguments.js';
import { IdxFormatError } from './error.js';
import { builtinGunzipSync, gunzipOrThrow, isGzip } from './gzip.js';

export { MAX_IDX_DATA_BYTES };

/**
 * Parses an IDX file (the format MNIST ships in). Gzipped input is detected by its magic bytes
 * and decompressed with node:zlib in Node; in browsers use `await decodeIdx(bytes)` instead.
 * `source` (a file name or URL) is put into every error message.
 */
export function parseIdx(bytes: Uint8Array | ArrayBuffer, source?: string): IdxArray {
  return parseIdxBytes(bytesArgument('parseIdx(bytes)', bytes), optionalStringArgument('parseIdx(bytes, source)', source, 'a file name or URL (or left out)'));
}

function parseIdxBytes(bytes: Uint8Array, source?: string): IdxArray {
  if (!isGzip(bytes)) return parseUncompressed(bytes, source);
  const gunzip = builtinGunzipSync();
  if (gunzip === undefined) {
    throw new IdxFormatError(
      'bad-gzip',
      'the data is gzip-compressed and there is no synchronous gunzip here (node:zlib is Node-only); use `await decodeIdx(bytes)`',
      source,
    );
  }
  return parseUncompressed(gunzipOrThrow(gunzip, bytes, source), source);
}

function parseUncompressed(bytes: Uint8Array, source?: string): IdxArray {
  const fail = (code: IdxFormatError['code'], message: string): never => {
    throw new IdxFormatError(code, message, source);
  };
  if (bytes.length >= 2 && (bytes[0] !== 0 || bytes[1] !== 0)) fail('bad-magic', badMagic(bytes));
  if (bytes.length < 4) fail('truncated', `truncated at byte ${bytes.length}: an IDX header needs at least 4 bytes`);
  const info = IDX_TYPE_CODES.get(bytes[2]);
  if (info === undefined) {
    return fail('unknown-type', `unknown type code ${hexByte(bytes[2], true)} at byte 2; known: ${knownTypeCodes()}`);
  }
  const ndims = bytes[3];
  if (ndims === 0) fail('bad-dims', 'the header declares 0 dimensions (byte 3); an IDX file has at least one');
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes) {
    fail('truncated', `truncated at byte ${bytes.length}: the header declares ${ndims} dimensions, so it needs ${headerBytes} bytes`);
  }

  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let i = 0; i < ndims; i++) {
    const size = view.getUint32(4 + 4 * i, false);
    if (size === 0) fail('bad-dims', `dimension ${i} (bytes ${4 + 4 * i}..${7 + 4 * i}) is 0`);
    shape.push(size);
  }
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = count * info.size;
  const actual = bytes.length - headerBytes;
  const what = `${shape.join('x')} ${info.dtype}`;
  if (expected > MAX_IDX_DATA_BYTES) {
    fail('bad-dims', `dimensions ${what} describe ${expected} bytes of data, more than ${MAX_IDX_DATA_BYTES}; the header is corrupt (the file has ${actual} bytes of data)`);
  }
  if (actual < expected) {
    fail('truncated', `truncated at byte ${bytes.length}: header says ${expected} bytes of data (${what}), file has ${actual}`);
  }
  if (actual > expected) {
    fail('trailing-bytes', `${actual - expected} trailing bytes after byte ${headerBytes + expected}: header says ${expected} bytes of data (${what}), file has ${actual}`);
  }
  return { ...readData(info.dtype, view, headerBytes, count), shape } as IdxArray;
}

function badMagic(bytes: Uint8Array): string {
  const found = [...bytes.subarray(0, 4)].map((b) => hexByte(b)).join(' ');
  return (
    `bad magic number at byte 0: found ${found}, expected 00 00 <type code> <number of dimensions> ` +
    `(type codes: ${knownTypeCodes()})${guess(bytes)}`
  );
}

/** A hint for the usual wrong files: a web page served instead of the data, or a zip archive. */
function guess(bytes: Uint8Array): string {
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) return '; this looks like a zip archive, unzip it first';
  const head = bytes.subarray(0, 64);
  const text = head.length > 0 && head.every((b) => b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b < 0x7f));
  return text ? '; this looks like text (an HTML error page instead of the file?)' : '';
}

/** Big-endian data to native typed arrays; one-byte types need no swapping, so they are copied. */
function readData(dtype: IdxDtype, view: DataView, offset: number, count: number): Omit<IdxArray, 'shape'> {
  switch (dtype) {
    case 'uint8':
      return { dtype, data: new Uint8Array(view.buffer, view.byteOffset + offset, count).slice() };
    case 'int8':
      return { dtype, data: new Int8Array(view.buffer, view.byteOffset + offset, count).slice() };
    case 'int16': {
      const data = new Int16Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getInt16(offset + 2 * i, false);
      return { dtype, data };
    }
    case 'int32': {
      const data = new Int32Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getInt32(offset + 4 * i, false);
      return { dtype, data };
    }
    case 'float32': {
      const data = new Float32Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getFloat32(offset + 4 * i, false);
      return { dtype, data };
    }
    case 'float64': {
      const data = new Float64Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getFloat64(offset + 8 * i, false);
      return { dtype, data };
    }
  }
}
