// Wall-clock timing for benchmarks: the loop every Keel bench (and a user's) would otherwise repeat.

/** Seconds per call of `fn`, calling it back to back for at least `seconds` (one round; no warm-up). */
export function secondsPerCall(fn: () => void, seconds: number): number {
  let calls = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    fn();
    calls++;
    elapsed = (performance.now() - start) / 1000;
  } while (elapsed < seconds);
  return elapsed / calls;
}

/**
 * Seconds per call of `fn`: three warm-up calls (so the JIT has compiled it), then `rounds` rounds
 * of at least `seconds / rounds` each; the median round and the best.
 */
export function timeCalls(fn: () => void, seconds: number, rounds = 3): { median: number; best: number } {
  for (let i = 0; i < 3; i++) fn();
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) times.push(secondsPerCall(fn, seconds / rounds));
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], best: times[0] };
}
