/**
 * Turning optimizer state (tensors nested in objects, arrays and Maps, next to plain numbers)
 * into named tensors for a safetensors file plus a JSON skeleton that refers to them by name,
 * and back, bit for bit. Also the checks that keep model.json pure JSON.
 */
import { Tensor } from '@keel/tensor';
import { ModelFileError } from './errors.js';
import type { DecodedTensor, TensorData } from './safetensors.js';

/** A JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * Optimizer state as it is restored: tensors (moments, velocities), Float32Array/Float64Array,
 * numbers (NaN, ±Infinity and −0 included), strings, booleans and null, nested in arrays, plain
 * objects and Maps with string or number keys. Keel's `OptState` is a subset of it.
 */
export type StateTree =
  | Tensor
  | Float32Array
  | Float64Array
  | number
  | string
  | boolean
  | null
  | StateTree[]
  | Map<string | number, StateTree>
  | { [key: string]: StateTree };

// Tags in the skeleton. A plain object with a key starting with '$' is wrapped in { $object }.
type SpecialNumber = 'NaN' | 'Infinity' | '-Infinity' | '-0';

function special(value: number): SpecialNumber | undefined {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  return Object.is(value, -0) ? '-0' : undefined;
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function kindOf(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'object' && value !== null) {
    const name = (value as { constructor?: { name?: string } }).constructor?.name;
    return name === undefined || name === '' ? 'an object' : `a ${name}`;
  }
  return `a ${typeof value}`;
}

function childPath(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/**
 * Checks that `value` is plain JSON (finite numbers, strings, booleans, null, arrays, plain
 * objects) so it survives JSON.stringify/parse unchanged; `what` names it in the error.
 * Properties that are `undefined` are dropped, as JSON.stringify drops them.
 */
export function checkJson(value: unknown, what: string): JsonValue {
  const stack = new Set<object>();
  const visit = (v: unknown, path: string): JsonValue => {
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw new TypeError(`${path} is ${String(v)}; model.json holds JSON, which has no NaN or Infinity`);
      return v;
    }
    if (typeof v === 'object') {
      if (stack.has(v)) throw new TypeError(`${path} refers back to itself; JSON cannot hold a cycle`);
      stack.add(v);
      try {
        if (Array.isArray(v)) return v.map((item, i) => visit(item, `${path}[${i}]`));
        if (!isPlainObject(v)) throw new TypeError(`${path} is ${kindOf(v)}; it must be JSON (numbers, strings, booleans, null, arrays, plain objects)`);
        const out: Record<string, JsonValue> = {};
        for (const [key, item] of Object.entries(v)) {
          if (item !== undefined) out[key] = visit(item, childPath(path, key));
        }
        return out;
      } finally {
        stack.delete(v);
      }
    }
    throw new TypeError(`${path} is ${kindOf(v)}; it must be JSON (numbers, strings, booleans, null, arrays, plain objects)`);
  };
  return visit(value, what);
}

/**
 * JSON text indented by two spaces, like `JSON.stringify(value, null, 2)`, except that arrays
 * of numbers, strings, booleans and null stay on one line (a 784-value mean is one line, not 784).
 */
export function formatJson(value: JsonValue, indent = ''): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every((item) => item === null || typeof item !== 'object')) return `[${value.map((item) => JSON.stringify(item)).join(', ')}]`;
    return `[\n${value.map((item) => `${inner}${formatJson(item, inner)}`).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([key, item]) => `${inner}${JSON.stringify(key)}: ${formatJson(item, inner)}`).join(',\n')}\n${indent}}`;
}

/** Optimizer state split into named tensors and a JSON skeleton that refers to them. */
export interface FlatState {
  readonly tensors: Map<string, TensorData>;
  readonly skeleton: JsonValue;
}

/**
 * Splits optimizer state into named tensors and a JSON skeleton (see `StateTree` for what it may
 * hold). With `readValues` false only the structure is checked: no tensor's values are read.
 */
export function flattenState(state: unknown, readValues = true): FlatState {
  const tensors = new Map<string, TensorData>();
  const stack = new Set<object>();
  const nameFor = (path: string): string => {
    let name = path;
    for (let n = 2; tensors.has(name); n++) name = `${path}#${n}`;
    return name;
  };
  const visit = (v: unknown, path: string, tensorPath: string): JsonValue => {
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
    if (typeof v === 'number') {
      const name = special(v);
      return name === undefined ? v : { $number: name };
    }
    if (v instanceof Tensor) {
      const name = nameFor(tensorPath);
      if (readValues) tensors.set(name, { dtype: v.dtype, shape: [...v.shape], values: v.values });
      return { $tensor: name };
    }
    if (v instanceof Float32Array || v instanceof Float64Array) {
      const name = nameFor(tensorPath);
      if (readValues) tensors.set(name, { dtype: v instanceof Float64Array ? 'float64' : 'float32', shape: [v.length], values: v });
      return { $array: name };
    }
    if (typeof v !== 'object' || ArrayBuffer.isView(v)) {
      throw new TypeError(
        `optimizer state: ${path} is ${kindOf(v)}; state may hold tensors, Float32Array/Float64Array, numbers, strings, booleans and null in arrays, plain objects and Maps`,
      );
    }
    if (stack.has(v)) throw new TypeError(`optimizer state: ${path} refers back to itself; state cannot hold a cycle`);
    stack.add(v);
    try {
      if (Array.isArray(v)) {
        return v.map((item, i) => {
          if (item === undefined) throw new TypeError(`optimizer state: ${path}[${i}] is undefined`);
          return visit(item, `${path}[${i}]`, `${tensorPath}.${i}`);
        });
      }
      if (v instanceof Map) {
        const pairs: JsonValue[] = [];
        for (const [key, item] of v as Map<unknown, unknown>) {
          if (typeof key !== 'string' && !(typeof key === 'number' && Number.isFinite(key))) {
            throw new TypeError(`optimizer state: ${path} is a Map with a key that is ${kindOf(key)}; only string and finite number keys can be saved`);
          }
          if (item === undefined) throw new TypeError(`optimizer state: ${path}.get(${JSON.stringify(key)}) is undefined`);
          pairs.push([key, visit(item, `${path}.get(${JSON.stringify(key)})`, `${tensorPath}.${key}`)]);
        }
        return { $map: pairs };
      }
      if (!isPlainObject(v)) {
        throw new TypeError(`optimizer state: ${path} is ${kindOf(v)}; only plain objects, arrays and Maps can hold state`);
      }
      const out: Record<string, JsonValue> = {};
      let tagged = false;
      for (const [key, item] of Object.entries(v)) {
        if (item === undefined) continue;
        if (key.startsWith('$')) tagged = true;
        out[key] = visit(item, childPath(path, key), `${tensorPath}.${key}`);
      }
      return tagged ? { $object: out } : out;
    } finally {
      stack.delete(v);
    }
  };
  const skeleton = visit(state, 'state', 'state');
  return { tensors, skeleton };
}

/**
 * Checks that an optimizer's state could be saved with the model (what `flattenState` accepts),
 * without reading any tensor: `fit` runs it on the state `init` made and on the one its first step
 * returned, so a state holding a function or a bigint is named with its optimizer (`who`) at once,
 * not by the first save after a whole epoch. `from` says which call returned it ('init()').
 */
export function checkStateSavable(state: unknown, who: string, from: string): void {
  try {
    flattenState(state, false);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    const reason = error.message.replace(/^optimizer state: /, '');
    throw new TypeError(`${who}: the state ${from} returned cannot be saved with the model: ${reason}`, { cause: error });
  }
}

function isRecord(value: unknown): value is Record<string, JsonValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Rebuilds optimizer state from its skeleton and tensors; every tensor must be used exactly once. */
export function unflattenState(skeleton: unknown, tensors: ReadonlyMap<string, DecodedTensor>, source: string | undefined): StateTree {
  const used = new Set<string>();
  const bad = (path: string, message: string): never => {
    throw new ModelFileError(`optimizer state ${path}: ${message}`, source);
  };
  const take = (name: unknown, path: string): DecodedTensor => {
    if (typeof name !== 'string') return bad(path, `the tensor reference is ${JSON.stringify(name)}, not a name`);
    const found = tensors.get(name);
    if (found === undefined) return bad(path, `refers to tensor '${name}', which the file does not have`);
    if (used.has(name)) return bad(path, `refers to tensor '${name}' a second time`);
    used.add(name);
    return found;
  };
  const visit = (v: unknown, path: string): StateTree => {
    if (v === null || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number') return v;
    if (Array.isArray(v)) return v.map((item, i) => visit(item, `${path}[${i}]`));
    if (!isRecord(v)) return bad(path, `unexpected ${typeof v}`);
    const keys = Object.keys(v);
    const tag = keys.length === 1 && keys[0].startsWith('$') ? keys[0] : undefined;
    if (tag === undefined) {
      const out: Record<string, StateTree> = {};
      for (const [key, item] of Object.entries(v)) {
        if (key.startsWith('$')) bad(path, `unexpected key '${key}'`);
        out[key] = visit(item, childPath(path, key));
      }
      return out;
    }
    const body = v[tag];
    switch (tag) {
      case '$number':
        if (body === 'NaN' || body === 'Infinity' || body === '-Infinity') return Number(body);
        if (body === '-0') return -0;
        return bad(path, `${JSON.stringify(body)} is not a special number`);
      case '$tensor': {
        const t = take(body, path);
        return Tensor.fromValues(t.values, t.shape, t.dtype);
      }
      case '$array': {
        const t = take(body, path);
        if (t.shape.length !== 1) bad(path, `typed array '${body as string}' has shape [${t.shape.join(', ')}], expected one dimension`);
        return t.values;
      }
      case '$map': {
        if (!Array.isArray(body)) return bad(path, 'a Map must be a list of [key, value] pairs');
        const map = new Map<string | number, StateTree>();
        for (const pair of body) {
          if (!Array.isArray(pair) || pair.length !== 2 || (typeof pair[0] !== 'string' && typeof pair[0] !== 'number')) {
            bad(path, 'a Map must be a list of [key, value] pairs with string or number keys');
          }
          const [key, item] = pair as [string | number, JsonValue];
          map.set(key, visit(item, `${path}.get(${JSON.stringify(key)})`));
        }
        return map;
      }
      case '$object': {
        if (!isRecord(body)) return bad(path, '$object must wrap an object');
        const out: Record<string, StateTree> = {};
        for (const [key, item] of Object.entries(body)) out[key] = visit(item, childPath(path, key));
        return out;
      }
      default:
        return bad(path, `unknown tag '${tag}'`);
    }
  };
  const state = visit(skeleton, 'state');
  const unused = [...tensors.keys()].filter((name) => !used.has(name));
  if (unused.length > 0) {
    throw new ModelFileError(`has tensors the optimizer state does not refer to: ${unused.slice(0, 5).join(', ')}${unused.length > 5 ? ` and ${unused.length - 5} more` : ''}`, source);
  }
  return state;
}
