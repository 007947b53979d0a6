// One palette for the whole site. Class colours are TensorFlow Playground's orange and blue for
// two classes; weights use the same pair (blue positive, orange negative).

export const ORANGE: readonly [number, number, number] = [245, 147, 34];
export const BLUE: readonly [number, number, number] = [8, 119, 189];
const MORE: readonly (readonly [number, number, number])[] = [ORANGE, BLUE, [46, 160, 67], [168, 85, 247], [220, 38, 38], [14, 165, 233], [202, 138, 4], [219, 39, 119]];

/** The colour of class k as [r, g, b]. */
export function classRgb(k: number): readonly [number, number, number] {
  return MORE[k % MORE.length];
}

export function rgb(c: readonly [number, number, number], alpha = 1): string {
  return alpha === 1 ? `rgb(${c[0]}, ${c[1]}, ${c[2]})` : `rgba(${c[0]}, ${c[1]}, ${c[2]}, ${alpha})`;
}

/** Chart series colours (readable on white, distinct for colour-blind readers as far as possible). */
export const SERIES = {
  train: '#0877bd',
  validation: '#e8590c',
  neutral: '#495057',
  accent: '#2b8a3e',
  grid: '#e9ecef',
  axis: '#868e96',
  text: '#343a40',
} as const;
