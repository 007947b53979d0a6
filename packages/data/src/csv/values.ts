/** Decimal numbers only: `Number()` would also take '', ' ', '0x1f' and 'Infinity', which are data errors here. */
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;

export function parseNumber(text: string): number | undefined {
  const trimmed = text.trim();
  return NUMBER.test(trimmed) ? Number(trimmed) : undefined;
}

/** Written as an integer, whatever its size. */
export function isIntegerText(text: string): boolean {
  return INTEGER.test(text.trim());
}

/** An integer that fits an Int32Array slot. */
export function parseInteger(text: string): number | undefined {
  if (!isIntegerText(text)) return undefined;
  const trimmed = text.trim();
  const value = Number(trimmed);
  return value >= -(2 ** 31) && value < 2 ** 31 ? value : undefined;
}
