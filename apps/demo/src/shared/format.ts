// Numbers for people: a few significant digits, exponents only where they help.

/** 3 significant digits; 1.2e-4 style below 1e-3 and above 1e5; 'NaN' / '∞' spelled out. */
export function fmt(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined) return '–';
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs < 1e-3 || abs >= 1e5) return value.toExponential(Math.max(0, digits - 1)).replace('e+', 'e');
  return String(Number(value.toPrecision(digits)));
}

/** 0.934 → '93.4%'. */
export function pct(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined) return '–';
  if (!Number.isFinite(value)) return fmt(value); // NaN stays visible
  return `${(value * 100).toFixed(digits)}%`;
}

/** 60000 → '60,000'. */
export function count(value: number): string {
  return value.toLocaleString('en-US');
}
