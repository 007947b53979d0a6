import { tensor } from '@keel/tensor';
import { describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors, ModelFileError, type TensorData } from '../src/save/index.js';

const ascii = (text: string): number[] => Array.from(new TextEncoder().encode(text));
const spaces = (n: number): number[] => new Array<number>(n).fill(0x20);
const u64le = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24, 0, 0, 0, 0];

/** A safetensors file from a header text (padded to 8 bytes) and data bytes; `length` overrides N. */
function fileOf(header: string, data: number[] = [], length?: number): Uint8Array {
  const json = ascii(header);
  const padded = [...json, ...spaces((8 - (json.length % 8)) % 8)];
  return Uint8Array.from([...u64le(length ?? padded.length), ...padded, ...data]);
}

function f32(values: number[]): TensorData {
  return { dtype: 'float32', shape: [values.length], values: Float32Array.from(values) };
}

function decodeError(bytes: Uint8Array, source?: string): ModelFileError {
  try {
    decodeSafetensors(bytes, source);
  } catch (error) {
    expect(error).toBeInstanceOf(ModelFileError);
    return error as ModelFileError;
  }
  throw new Error('decodeSafetensors accepted a malformed file');
}

describe('encodeSafetensors: the byte layout', () => {
  it('lays out one F32 tensor exactly as the spec says (computed by hand)', () => {
    const bytes = encodeSafetensors(new Map([['attn0', { dtype: 'float32', shape: [1, 1, 2, 3], values: Float32Array.from([0, 1, 2, 3, 4, 5]) }]]));
    const json = '{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}';
    expect(json.length).toBe(65); // padded with 7 spaces to 72, a multiple of 8
    const expected = [
      ...[72, 0, 0, 0, 0, 0, 0, 0], // N = 72, u64 little-endian
      ...ascii(json),
      ...spaces(7),
      ...[0x00, 0x00, 0x00, 0x00], // 0.0f
      ...[0x00, 0x00, 0x80, 0x3f], // 1.0f = 0x3f800000
      ...[0x00, 0x00, 0x00, 0x40], // 2.0f = 0x40000000
      ...[0x00, 0x00, 0x40, 0x40], // 3.0f = 0x40400000
      ...[0x00, 0x00, 0x80, 0x40], // 4.0f = 0x40800000
      ...[0x00, 0x00, 0xa0, 0x40], // 5.0f = 0x40a00000
    ];
    expect(Array.from(bytes)).toEqual(expected);
    expect(bytes.length).toBe(8 + 72 + 24);
  });

  it('puts __metadata__ first and F64 data before F32 data, every tensor aligned', () => {
    const bytes = encodeSafetensors(
      new Map<string, TensorData>([
        ['a', { dtype: 'float32', shape: [], values: Float32Array.from([0.25]) }],
        ['b', { dtype: 'float64', shape: [2], values: Float64Array.from([1.5, -2]) }],
      ]),
      { k: 'v' },
    );
    const json = '{"__metadata__":{"k":"v"},"b":{"dtype":"F64","shape":[2],"data_offsets":[0,16]},"a":{"dtype":"F32","shape":[],"data_offsets":[16,20]}}';
    const padding = (8 - (json.length % 8)) % 8;
    const n = json.length + padding;
    expect(n % 8).toBe(0);
    const expected = [
      ...u64le(n),
      ...ascii(json),
      ...spaces(padding),
      ...[0, 0, 0, 0, 0, 0, 0xf8, 0x3f], // 1.5 = 0x3ff8000000000000
      ...[0, 0, 0, 0, 0, 0, 0x00, 0xc0], // -2 = 0xc000000000000000
      ...[0x00, 0x00, 0x80, 0x3e], // 0.25f = 0x3e800000
    ];
    expect(Array.from(bytes)).toEqual(expected);
  });

  it('writes an empty file as {} padded to 8 bytes', () => {
    expect(Array.from(encodeSafetensors(new Map()))).toEqual([8, 0, 0, 0, 0, 0, 0, 0, ...ascii('{}'), ...spaces(6)]);
  });

  it('takes Tensors directly', () => {
    const bytes = encodeSafetensors(new Map([['w', tensor([[1, 2], [3, 4]])]]));
    const { tensors } = decodeSafetensors(bytes);
    expect(tensors.get('w')).toEqual({ dtype: 'float32', shape: [2, 2], values: Float32Array.from([1, 2, 3, 4]) });
  });

  it('refuses what it cannot write', () => {
    expect(() => encodeSafetensors(new Map([['__metadata__', f32([1])]]))).toThrow("a tensor cannot be named '__metadata__'");
    expect(() => encodeSafetensors(new Map([['w', { dtype: 'float32', shape: [3], values: Float32Array.from([1, 2]) }]]))).toThrow(
      "tensor 'w' has 2 values, but its shape [3] needs 3",
    );
    expect(() => encodeSafetensors(new Map([['w', { dtype: 'float64', shape: [1], values: Float32Array.from([1]) }]]))).toThrow(
      "tensor 'w' is float64 but its values are a Float32Array",
    );
  });
});

describe('decodeSafetensors: round trips', () => {
  it('restores float32 and float64 bit for bit (NaN payloads, -0, infinities, subnormals)', () => {
    const bits32 = Uint32Array.from([0x7fc00001, 0xffa00000, 0x80000000, 0x00000001, 0x7f7fffff, 0xff800000, 0x3dcccccd]);
    const bits64 = BigUint64Array.from([0x7ff8000000000001n, 0x8000000000000000n, 0x0000000000000001n, 0x3fb999999999999an, 0xfff0000000000000n]);
    const a = new Float32Array(bits32.buffer);
    const b = new Float64Array(bits64.buffer);
    const bytes = encodeSafetensors(
      new Map<string, TensorData>([
        ['layer/a', { dtype: 'float32', shape: [7], values: a }],
        ['layer/b', { dtype: 'float64', shape: [5, 1], values: b }],
        ['empty', { dtype: 'float32', shape: [0, 3], values: new Float32Array(0) }],
        ['scalar', { dtype: 'float64', shape: [], values: Float64Array.from([Math.PI]) }],
      ]),
      { note: 'ünïcödé ✓' },
    );
    const { tensors, metadata } = decodeSafetensors(bytes);
    expect(metadata).toEqual({ note: 'ünïcödé ✓' });
    expect([...tensors.keys()].sort()).toEqual(['empty', 'layer/a', 'layer/b', 'scalar']);
    const ra = tensors.get('layer/a')!;
    const rb = tensors.get('layer/b')!;
    expect(ra.dtype).toBe('float32');
    expect(ra.shape).toEqual([7]);
    expect(Array.from(new Uint32Array(ra.values.buffer, ra.values.byteOffset, 7))).toEqual(Array.from(bits32));
    expect(rb.dtype).toBe('float64');
    expect(rb.shape).toEqual([5, 1]);
    expect(Array.from(new BigUint64Array(rb.values.buffer, rb.values.byteOffset, 5))).toEqual(Array.from(bits64));
    expect(tensors.get('empty')).toEqual({ dtype: 'float32', shape: [0, 3], values: new Float32Array(0) });
    expect(tensors.get('scalar')).toEqual({ dtype: 'float64', shape: [], values: Float64Array.from([Math.PI]) });
  });

  it('reads from an unaligned view and returns copies it does not share with the input', () => {
    const bytes = encodeSafetensors(new Map([['w', { dtype: 'float64', shape: [2], values: Float64Array.from([1, 2]) }]]));
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    const view = shifted.subarray(3);
    const decoded = decodeSafetensors(view);
    expect(Array.from(decoded.tensors.get('w')!.values)).toEqual([1, 2]);
    view.fill(0);
    expect(Array.from(decoded.tensors.get('w')!.values)).toEqual([1, 2]);
    expect(decodeSafetensors(bytes.buffer).tensors.get('w')!.values).toEqual(Float64Array.from([1, 2]));
  });

  it('reads a Node Buffer that is a view into a larger pool', () => {
    const bytes = encodeSafetensors(new Map([['w', { dtype: 'float32', shape: [3], values: Float32Array.from([1, 2, 3]) }]]));
    const pooled = Buffer.concat([Buffer.from('some other file'), Buffer.from(bytes)]).subarray(15);
    expect(pooled.byteOffset).toBeGreaterThan(0);
    expect(pooled.buffer.byteLength).toBeGreaterThan(pooled.length);
    expect(decodeSafetensors(pooled).tensors.get('w')!.values).toEqual(Float32Array.from([1, 2, 3]));
  });

  it('reads files written in any tensor order with extra spaces in the header', () => {
    const data = [...new Uint8Array(Float32Array.from([7]).buffer), ...new Uint8Array(Float32Array.from([8, 9]).buffer)];
    const bytes = fileOf('{"second":{"dtype":"F32","shape":[2],"data_offsets":[4,12]},  "first":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', data);
    const { tensors, metadata } = decodeSafetensors(bytes);
    expect(metadata).toEqual({});
    expect([...tensors.keys()]).toEqual(['first', 'second']);
    expect(Array.from(tensors.get('second')!.values)).toEqual([8, 9]);
  });
});

describe('decodeSafetensors: malformed files', () => {
  const good = encodeSafetensors(new Map([['attn0', { dtype: 'float32', shape: [1, 1, 2, 3], values: Float32Array.from([0, 1, 2, 3, 4, 5]) }]]));
  const four = [...new Uint8Array(Float32Array.from([1]).buffer)];

  it('names the source file in every message', () => {
    const error = decodeError(good.subarray(0, 5), 'weights.safetensors');
    expect(error.source).toBe('weights.safetensors');
    expect(error.message).toBe('weights.safetensors: not a safetensors file: it has 5 bytes, too few for the 8-byte header length');
  });

  it('a header length larger than the file', () => {
    const bytes = Uint8Array.from([...u64le(1000), ...ascii('{}      ')]);
    expect(decodeError(bytes).message).toBe('not a safetensors file, or a truncated one: the header length 1000 is larger than the file (8 bytes after the length)');
    const huge = Uint8Array.from([255, 255, 255, 255, 255, 255, 255, 255, ...ascii('{}      ')]);
    expect(decodeError(huge).message).toContain('the header length 18446744073709551615 is larger than the file');
  });

  it('a header above the 100 MB limit', () => {
    const bytes = new Uint8Array(8 + 100_000_008);
    bytes.set(u64le(100_000_008));
    expect(decodeError(bytes).message).toBe('the header is 100000008 bytes, more than the 100000000 safetensors allows');
  });

  it('a header that is not UTF-8 or not JSON', () => {
    expect(decodeError(Uint8Array.from([...u64le(8), 0x7b, 0xff, 0xfe, 0x7d, 32, 32, 32, 32])).message).toBe('the header is not valid UTF-8');
    expect(decodeError(fileOf('{"attn0": {"dtype":')).message).toMatch(/^the header is not valid JSON \(.+\)$/);
    expect(decodeError(fileOf('["attn0"]')).message).toBe('the header is not JSON: it should start with \'{\' but starts with "[\\"attn0\\"]"');
  });

  it('an unknown or unsupported dtype', () => {
    expect(decodeError(fileOf('{"w":{"dtype":"Q8","shape":[1],"data_offsets":[0,1]}}', [0])).message).toBe("tensor 'w': unknown dtype 'Q8' (Keel reads F32 and F64)");
    expect(decodeError(fileOf('{"w":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}', four)).message).toBe(
      "tensor 'w': dtype F16 is not supported (Keel reads F32 and F64)",
    );
    expect(decodeError(fileOf('{"w":{"dtype":32,"shape":[1],"data_offsets":[0,4]}}', four)).message).toBe(
      'tensor \'w\': dtype is number 32, expected a string such as "F32"',
    );
  });

  it('a malformed entry, shape or offsets', () => {
    expect(decodeError(fileOf('{"w":[1,2]}')).message).toBe("tensor 'w': the header entry is an array, expected { dtype, shape, data_offsets }");
    expect(decodeError(fileOf('{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}', four)).message).toBe(
      "tensor 'w': shape [-1] is not a list of non-negative integers",
    );
    expect(decodeError(fileOf('{"w":{"dtype":"F32","shape":[1],"data_offsets":[0]}}', four)).message).toBe(
      "tensor 'w': data_offsets [0] is not a pair [begin, end] of non-negative integers",
    );
    expect(decodeError(fileOf('{"w":{"dtype":"F32","shape":[1]}}', four)).message).toBe(
      "tensor 'w': data_offsets undefined is not a pair [begin, end] of non-negative integers",
    );
  });

  it('offsets out of range: the end before the begin', () => {
    expect(decodeError(fileOf('{"w":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}', four)).message).toBe(
      "tensor 'w': data_offsets [4, 0] are out of range (the end comes before the begin)",
    );
  });

  it('offsets that do not match shape × dtype size', () => {
    expect(decodeError(fileOf('{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,12]}}', [...four, ...four, ...four])).message).toBe(
      "tensor 'w': data_offsets [0, 12] hold 12 bytes, but F32 shape [2, 2] needs 4 × 4 = 16",
    );
    expect(decodeError(fileOf('{"w":{"dtype":"F64","shape":[1],"data_offsets":[0,4]}}', four)).message).toBe(
      "tensor 'w': data_offsets [0, 4] hold 4 bytes, but F64 shape [1] needs 1 × 8 = 8",
    );
  });

  it('overlapping tensors', () => {
    const data = new Array<number>(12).fill(0);
    expect(decodeError(fileOf('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}', data)).message).toBe(
      "tensor 'b' (bytes 4..12) overlaps tensor 'a' (bytes 0..8)",
    );
  });

  it('a hole in the data', () => {
    const data = new Array<number>(20).fill(0);
    expect(decodeError(fileOf('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[12,20]}}', data)).message).toBe(
      "tensor 'b' starts at byte 12 of the data, but tensor 'a' ends at 8: bytes 8..12 belong to no tensor (safetensors data must be contiguous)",
    );
    expect(decodeError(fileOf('{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', [...four, ...four])).message).toBe(
      "tensor 'a' starts at byte 4 of the data, but the data starts at 0: bytes 0..4 belong to no tensor (safetensors data must be contiguous)",
    );
  });

  it('a truncated file', () => {
    expect(decodeError(good.subarray(0, good.length - 4), 'weights.safetensors').message).toBe(
      "weights.safetensors: truncated: the header promises 24 bytes of tensor data, the file has 20 (tensor 'attn0' at bytes 0..24 is cut off)",
    );
    expect(decodeError(good.subarray(0, 8 + 72)).message).toBe(
      "truncated: the header promises 24 bytes of tensor data, the file has 0 (tensor 'attn0' at bytes 0..24 is cut off)",
    );
  });

  it('trailing bytes the header does not account for', () => {
    const longer = Uint8Array.from([...good, 1, 2, 3]);
    expect(decodeError(longer).message).toBe('the file has 27 bytes of tensor data, but the header accounts for only 24 (3 trailing bytes): it is damaged or was not written by Keel; save the model again');
  });

  it('metadata that is not a map of strings', () => {
    expect(decodeError(fileOf('{"__metadata__":{"epoch":3}}')).message).toBe("__metadata__ 'epoch' is number 3; metadata values must be strings");
    expect(decodeError(fileOf('{"__metadata__":"x"}')).message).toBe('__metadata__ is string "x", expected an object of strings');
  });
});
