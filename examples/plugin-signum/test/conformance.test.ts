import { testOptimizer } from '@keel/testkit/vitest';
import { signumPlugin } from '../src/index.js';

/** Signum by its published definition, on f(w) = w²/2 (g = w) from w = 1: m ← βm + (1−β)g, w ← w − lr·sign(m). */
function reference(lr: number, beta: number): number[] {
  let w = 1;
  let m = 0;
  const out: number[] = [];
  for (let t = 0; t < 10; t++) {
    m = beta * m + (1 - beta) * w;
    w -= lr * Math.sign(m);
    out.push(w);
  }
  return out;
}

testOptimizer(signumPlugin, 'acme/signum', { config: { lr: 0.004, beta: 0.9 }, reference: reference(0.004, 0.9), quadraticBudget: 1500 });
