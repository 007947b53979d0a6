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
