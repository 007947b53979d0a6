// Settings used in float32 arithmetic (learning rates, the input scale): a value that float32
// rounds to 0 or to Infinity would silently make training do nothing, or diverge at once.

/**
 * ' is 0 in float32 ...' or ' is Infinity in float32 ...' (what goes wrong, for a message after the
 * value), or undefined when float32 holds `value` as a finite number that is 0 only if `value` is.
 */
export function float32Fault(value: number): string | undefined {
  const single = Math.fround(value);
  if (single === 0 && value !== 0) return 'is 0 in float32, the precision training computes in (the smallest float32 is about 1.4e-45)';
  if (!Number.isFinite(single) && Number.isFinite(value)) return 'is Infinity in float32, the precision training computes in (the largest float32 is about 3.4e38)';
  return undefined;
}
