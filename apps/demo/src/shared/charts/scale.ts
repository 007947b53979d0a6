// Scales and tick marks for the charts: linear or logarithmic, with "nice" tick values.

export interface Scale {
  /** Maps a data value to a pixel position. */
  (value: number): number;
  readonly domain: readonly [number, number];
  readonly range: readonly [number, number];
  readonly log: boolean;
  /** About `count` round values inside the domain. */
  ticks(count: number): number[];
}

/** A linear (or base-10 logarithmic) scale from `domain` to `range`. */
export function scale(domain: readonly [number, number], range: readonly [number, number], log = false): Scale {
  let [d0, d1] = domain;
  if (log) {
    d0 = Math.max(d0, 1e-30);
    d1 = Math.max(d1, d0 * 10);
  } else if (d0 === d1) {
    // A flat series still gets a visible axis around its value.
    const pad = d0 === 0 ? 1 : Math.abs(d0) * 0.1;
    d0 -= pad;
    d1 += pad;
  }
  const t = log ? Math.log10 : (v: number): number => v;
  const t0 = t(d0);
  const span = t(d1) - t0;
  const f = ((value: number) => range[0] + ((t(value) - t0) / span) * (range[1] - range[0])) as Scale;
  return Object.assign(f, {
    domain: [d0, d1] as const,
    range,
    log,
    ticks: (count: number) => (log ? logTicks(d0, d1) : niceTicks(d0, d1, count)),
  });
}

/** Round tick values (steps of 1, 2 or 5 × 10^k) covering [min, max]. */
export function niceTicks(min: number, max: number, count: number): number[] {
  const span = max - min;
  if (!(span > 0) || !Number.isFinite(span)) return [min];
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  return ticks;
}

/** Powers of ten inside [min, max] (every other one when there are many; 2× and 5× too when there are few). */
export function logTicks(min: number, max: number): number[] {
  const lo = Math.floor(Math.log10(min));
  const hi = Math.ceil(Math.log10(max));
  const inside = (v: number): boolean => v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9);
  const every = Math.max(1, Math.ceil((hi - lo + 1) / 7));
  const powers: number[] = [];
  for (let e = lo; e <= hi; e += every) if (inside(Number(`1e${e}`))) powers.push(Number(`1e${e}`));
  if (powers.length >= 3) return powers;
  const dense: number[] = [];
  for (let e = lo; e <= hi; e++) for (const m of [1, 2, 5]) if (inside(Number(`${m}e${e}`))) dense.push(Number(`${m}e${e}`));
  return dense.length >= 2 ? dense : niceTicks(min, max, 3);
}

/** The [min, max] of the finite values (undefined when there are none). */
export function extent(values: Iterable<number>, positiveOnly = false): [number, number] | undefined {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v) || (positiveOnly && v <= 0)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min <= max ? [min, max] : undefined;
}
