/** Option checks shared by the generators; options may come from a CLI or a saved config, so check at run time. */

export function integerOption(name: string, value: unknown, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `from ${min} to ${max}`;
    throw new RangeError(`${name} must be an integer ${range}, got ${show(v)}`);
  }
  return v;
}

export function numberOption(name: string, value: unknown, fallback: number, accept: (v: number) => boolean, rule: string): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || !accept(v)) throw new RangeError(`${name} must be ${rule}, got ${show(v)}`);
  return v;
}

export function noiseOption(value: unknown, fallback: number): number {
  return numberOption('noise', value, fallback, (v) => v >= 0, 'a number >= 0');
}

export function seedOption(value: unknown): number {
  const seed = value ?? 0;
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${show(seed)}`);
  return seed;
}

function show(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number' || typeof value === 'boolean' || value === undefined || value === null) return String(value);
  return JSON.stringify(value) ?? typeof value;
}
