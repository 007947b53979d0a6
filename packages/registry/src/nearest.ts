/** Optimal string alignment distance: edits, with a swap of neighbours counted as one ('rleu' -> 'relu'). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[(i - 1) * cols + j] + 1, d[i * cols + j - 1] + 1, d[(i - 1) * cols + j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, d[(i - 2) * cols + j - 2] + 1);
      }
      d[i * cols + j] = best;
    }
  }
  return d[rows * cols - 1];
}

function baseName(id: string): string {
  const slash = id.lastIndexOf('/');
  return slash < 0 ? id : id.slice(slash + 1);
}

/**
 * The registered id closest to `wanted`, or undefined when nothing is close enough
 * to be a plausible typo. Namespaces are ignored when comparing, so 'swish' finds 'acme/swish'.
 */
export function nearestId(wanted: string, candidates: Iterable<string>): string | undefined {
  const target = wanted.toLowerCase();
  let best: string | undefined;
  let bestScore = Infinity;
  for (const candidate of candidates) {
    const lower = candidate.toLowerCase();
    const score = Math.min(editDistance(target, lower), editDistance(baseName(target), baseName(lower)));
    if (score < bestScore || (score === bestScore && best !== undefined && candidate < best)) {
      best = candidate;
      bestScore = score;
    }
  }
  if (best === undefined) return undefined;
  const limit = Math.max(2, Math.floor(baseName(target).length / 3));
  return bestScore <= limit ? best : undefined;
}
