import { tensor, Tensor, type DType } from '@keel/tensor';
import type { OptState } from './types.js';

/** A number JSON cannot hold exactly (NaN, ±Infinity, −0), spelled out. */
type SpecialNumber = 'NaN' | 'Infinity' | '-Infinity' | '-0';

/** A tensor as plain data. Values are written in full precision, so they are restored bit for bit. */
export interface SerializedTensor {
  readonly $tensor: { readonly dtype: DType; readonly shape: number[]; readonly values: (number | SpecialNumber)[] };
}

/** A JSON-safe number for NaN, ±Infinity and −0 (JSON.stringify turns them into null or 0). */
export interface SerializedNumber {
  readonly $number: SpecialNumber;
}

export type SerializedValue =
  | number
  | string
  | boolean
  | null
  | SerializedTensor
  | SerializedNumber
  | SerializedValue[]
  | { [key: string]: SerializedValue };

/** What `serializeState` returns: JSON-able, with a format tag so a wrong file is recognised. */
export interface SerializedState {
  readonly format: 'keel-optimizer-state';
  readonly version: 1;
  readonly state: SerializedValue;
}

const RESERVED = ['$tensor', '$number'];

function special(value: number): SpecialNumber | undefined {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  return Object.is(value, -0) ? '-0' : undefined;
}

function unspecial(value: SpecialNumber): number {
  return value === '-0' ? -0 : Number(value);
}

function encode(value: OptState, path: string): SerializedValue {
  if (value instanceof Tensor) {
    const values = Array.from(value.values, (v) => special(v) ?? v);
    return { $tensor: { dtype: value.dtype, shape: [...value.shape], values } };
  }
  if (typeof value === 'number') {
    const name = special(value);
    return name === undefined ? value : { $number: name };
  }
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return (value as readonly OptState[]).map((item, i) => encode(item, `${path}[${i}]`));
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, SerializedValue> = {};
    for (const [key, item] of Object.entries(value)) {
      if (RESERVED.includes(key)) throw new TypeError(`serializeState: the key '${key}' at ${path} is reserved`);
      out[key] = encode(item, `${path}.${key}`);
    }
    return out;
  }
  throw new TypeError(`serializeState: ${path} holds a ${typeof value}, which is not optimizer state (tensors, numbers, strings, booleans, null, arrays, plain objects)`);
}

/**
 * Optimizer state (or any `OptState`, parameters included) as plain JSON-able data: tensors
 * become { dtype, shape, values }. `JSON.stringify` it to save a run; `deserializeState` restores
 * it exactly, so a resumed run continues bit for bit like an uninterrupted one.
 */
export function serializeState(state: OptState): SerializedState {
  return { format: 'keel-optimizer-state', version: 1, state: encode(state, 'state') };
}

function isDType(value: unknown): value is DType {
  return value === 'float32' || value === 'float64';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function decode(value: unknown, path: string): OptState {
  if (value === null || typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map((item, i) => decode(item, `${path}[${i}]`));
  if (!isRecord(value)) throw new TypeError(`deserializeState: ${path} is not state data`);
  if ('$number' in value) return unspecial(value.$number as SpecialNumber);
  if ('$tensor' in value) {
    const data = value.$tensor as { dtype: unknown; shape: unknown; values: unknown };
    if (!isDType(data.dtype) || !Array.isArray(data.shape) || !Array.isArray(data.values)) {
      throw new TypeError(`deserializeState: ${path} is not a serialized tensor (dtype, shape, values)`);
    }
    const values = (data.values as (number | SpecialNumber)[]).map((v) => (typeof v === 'string' ? unspecial(v) : v));
    return tensor(values, data.shape as number[], { dtype: data.dtype, allowNonFinite: true });
  }
  const out: Record<string, OptState> = {};
  for (const [key, item] of Object.entries(value)) out[key] = decode(item, `${path}.${key}`);
  return out;
}

/** The state `serializeState` saved (after a JSON round trip too). Cast it to the optimizer's state type. */
export function deserializeState<S extends OptState = OptState>(data: SerializedState): S {
  if (!isRecord(data) || data.format !== 'keel-optimizer-state' || data.version !== 1) {
    throw new TypeError("deserializeState: not data from serializeState (expected format 'keel-optimizer-state', version 1)");
  }
  return decode(data.state, 'state') as S;
}
