// Run-time checks of the arguments of exported functions: callers in plain JavaScript (or with `any`)
// get a TypeError that says what to pass, not "Cannot read properties of undefined" from deep inside.

/** 'the number 12345', "the string 'abc'", 'null', 'an array', 'a Float32Array' — for messages. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `the ${typeof value} ${String(value)}`;
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== 'Object' ? `a ${name}` : 'an object';
}

function fail(where: string, expected: string, value: unknown): never {
  throw new TypeError(`${where} must be ${expected}, got ${describeValue(value)}`);
}

/** A Uint8Array (a Node Buffer is one) or an ArrayBuffer, as a Uint8Array. */
export function bytesArgument(where: string, value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  return fail(where, "a Uint8Array or an ArrayBuffer of the file's bytes", value);
}

export function stringArgument(where: string, value: unknown, expected = 'a string'): string {
  return typeof value === 'string' ? value : fail(where, expected, value);
}

export function optionalStringArgument(where: string, value: unknown, expected = 'a string'): string | undefined {
  return value === undefined ? undefined : stringArgument(where, value, expected);
}

/** An options object (undefined gives {}), so `options.x` can be read safely. */
export function optionsArgument<T extends object>(where: string, value: T | undefined): T {
  if (value === undefined) return {} as T;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(where, 'an options object (or left out)', value);
  return value;
}

export function optionalBooleanArgument(where: string, value: unknown): boolean | undefined {
  return value === undefined || typeof value === 'boolean' ? value : fail(where, 'true or false', value);
}

/** An array or typed array of numbers (what the transforms read by index). */
export function numbersArgument(where: string, value: unknown): ArrayLike<number> {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    if (typeof (value as unknown as ArrayLike<unknown>)[0] === 'bigint') return fail(where, 'an array or typed array of numbers', value);
    return value as unknown as ArrayLike<number>;
  }
  if (Array.isArray(value)) {
    const bad = value.findIndex((v) => typeof v !== 'number');
    if (bad >= 0) throw new TypeError(`${where} must hold numbers, but index ${bad} is ${describeValue(value[bad])}`);
    return value as number[];
  }
  return fail(where, 'an array or typed array of numbers', value);
}

/** A readonly array of strings. */
export function stringsArgument(where: string, value: unknown): readonly string[] {
  if (!Array.isArray(value)) return fail(where, 'an array of strings', value);
  const bad = value.findIndex((v) => typeof v !== 'string');
  if (bad >= 0) throw new TypeError(`${where} must hold strings, but index ${bad} is ${describeValue(value[bad])}`);
  return value as string[];
}

/**
 * A count of examples (take, skip): a whole number >= 0. `2.5` or `-1` would silently become a
 * Subset of another size than asked, and `'2'` compares as a number.
 */
export function countArgument(where: string, value: unknown, expected = 'a whole number >= 0'): number {
  if (typeof value !== 'number') return fail(where, expected, value);
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${where} must be ${expected}, got ${describeValue(value)}`);
  return value;
}

/** A data set: an object with a whole-number `length` and a `get(index)` method. */
export function datasetArgument<T>(where: string, value: unknown): T {
  const length = (value as { length?: unknown } | null | undefined)?.length;
  const ok = typeof value === 'object' && value !== null && typeof (value as { get?: unknown }).get === 'function' && typeof length === 'number' && Number.isInteger(length) && length >= 0;
  return ok ? (value as T) : fail(where, 'a data set (an ArrayDataset, or an object with length and get(index))', value);
}

export function functionArgument<T>(where: string, value: unknown, expected: string): T {
  return typeof value === 'function' ? (value as T) : fail(where, expected, value);
}

/** Something `for await` can read: an iterable or an async iterable. */
export function iterableArgument(where: string, value: unknown): void {
  const ok = typeof value === 'object' && value !== null && (Symbol.iterator in value || Symbol.asyncIterator in value);
  if (!ok) fail(where, 'an iterable or async iterable (an array, a generator, a stream)', value);
}

/** An example shape: a non-empty array of positive integers ([784], [28, 28, 1]). */
export function isShape(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0 && value.every((d) => Number.isInteger(d) && (d as number) > 0);
}
