import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { IdxFormatError, decodeIdx, gunzip, isGzip, parseIdx } from '../src/index.js';
import { rejected, thrown, writeIdx } from './helpers/idx-writer.js';

const values = Array.from({ length: 3 * 4 * 5 }, (_, i) => Math.fround(Math.sin(i) * 100));
const plain = writeIdx('float32', [3, 4, 5], values);
const zipped = new Uint8Array(gzipSync(plain));

afterEach(() => {
  vi.restoreAllMocks();
});

describe('gzipped IDX', () => {
  it('is recognised by its magic bytes', () => {
    expect(isGzip(zipped)).toBe(true);
    expect(isGzip(plain)).toBe(false);
  });

  it('parses to the same array as the plain file (sync, node:zlib)', () => {
    const fromGzip = parseIdx(zipped, 'a.idx.gz');
    const fromPlain = parseIdx(plain);
    expect(fromGzip.dtype).toBe('float32');
    expect(fromGzip.shape).toEqual([3, 4, 5]);
    expect(Array.from(fromGzip.data)).toEqual(Array.from(fromPlain.data));
    expect(Array.from(fromGzip.data)).toEqual(values);
  });

  it('decodes asynchronously with DecompressionStream, without node:zlib', async () => {
    // Hide node:zlib as a browser would: the sync path must now refuse, the async one still works.
    vi.spyOn(process, 'getBuiltinModule').mockReturnValue(undefined);
    const error = thrown(() => parseIdx(zipped, 'a.idx.gz'));
    expect(error).toBeInstanceOf(IdxFormatError);
    expect(error.message).toBe(
      'a.idx.gz: the data is gzip-compressed and there is no synchronous gunzip here (node:zlib is Node-only); use `await decodeIdx(bytes)`',
    );
    const decoded = await decodeIdx(zipped, 'a.idx.gz');
    vi.restoreAllMocks();
    const sync = parseIdx(zipped);
    expect(decoded.shape).toEqual(sync.shape);
    expect(Array.from(decoded.data)).toEqual(Array.from(sync.data));
  });

  it('gunzip (DecompressionStream) gives the bytes node:zlib gives, for a large file', async () => {
    const big = writeIdx('uint8', [100, 28, 28], Array.from({ length: 78400 }, (_, i) => (i * 7) % 256));
    const packed = new Uint8Array(gzipSync(big));
    const streamed = await gunzip(packed);
    expect(streamed).toEqual(new Uint8Array(gunzipSync(packed)));
    expect(streamed).toEqual(big);
  });

  it('decodes plain input too', async () => {
    expect(Array.from((await decodeIdx(plain)).data)).toEqual(values);
  });

  it('reports a corrupt gzip stream, sync and async, naming the file', async () => {
    const broken = zipped.subarray(0, zipped.length - 20);
    const sync = thrown(() => parseIdx(broken, 'cut.gz'));
    expect(sync).toBeInstanceOf(IdxFormatError);
    expect((sync as IdxFormatError).code).toBe('bad-gzip');
    expect(sync.message).toMatch(/^cut\.gz: starts with the gzip magic 1f 8b but does not decompress \(\d+ compressed bytes\): unexpected end of file/);
    const async = await rejected(decodeIdx(broken, 'cut.gz'));
    expect(async).toBeInstanceOf(IdxFormatError);
    expect(async.message).toMatch(/^cut\.gz: starts with the gzip magic 1f 8b but does not decompress/);
  });

  it('still reports IDX errors found inside a gzipped file', () => {
    const truncated = new Uint8Array(gzipSync(plain.subarray(0, plain.length - 8)));
    expect(thrown(() => parseIdx(truncated, 'x.gz')).message).toBe(
      `x.gz: truncated at byte ${plain.length - 8}: header says 240 bytes of data (3x4x5 float32), file has 232`,
    );
  });
});
