// Numbers as people read them in a finding: 3 significant digits, exponents only when needed.

/** 0.0505, 1.2e-7, 3.4e+38, 71, NaN, Infinity. */
export function fmt(value: number, digits = 3): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e-3 && abs < 1e5) {
    const text = Number(value.toPrecision(digits)).toString();
    return text;
  }
  return Number(value.toPrecision(digits)).toExponential().replace('e+', 'e');
}

/** 0.71 -> '71%'. */
export function pct(fraction: number): string {
  if (!Number.isFinite(fraction)) return fmt(fraction);
  const p = fraction * 100;
  if (p > 0 && p < 1) return `${p.toPrecision(1)}%`;
  return `${Math.round(p)}%`;
}

/** 'x' → 'about 12x', for ratios. */
export function times(ratio: number): string {
  if (!Number.isFinite(ratio)) return fmt(ratio);
  if (ratio >= 1e5) return `${fmt(ratio)}×`;
  return ratio >= 10 ? `${Math.round(ratio)}×` : `${Number(ratio.toPrecision(2))}×`;
}

/** A number that survives JSON: non-finite values become the strings 'NaN', 'Infinity', '-Infinity'. */
export function jsonNumber(value: number): number | string {
  return Number.isFinite(value) ? value : fmt(value);
}

/** Adds a final full stop when a sentence has none. */
export function sentence(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') return trimmed;
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/** A learning rate rounded to one significant digit for a suggestion: 0.0473 -> 0.05. */
export function roundLr(lr: number): number {
  if (!(lr > 0) || !Number.isFinite(lr)) return lr;
  const exponent = Math.floor(Math.log10(lr));
  const mantissa = lr / 10 ** exponent;
  const nice = mantissa < 1.5 ? 1 : mantissa < 2.5 ? 2 : mantissa < 4 ? 3 : mantissa < 7.5 ? 5 : 10;
  return Number((nice * 10 ** exponent).toPrecision(1));
}
