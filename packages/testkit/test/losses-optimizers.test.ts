// Every built-in loss and optimizer passes the testkit; reference values come from the published formulas.
import { lossesPlugin } from '@keel/losses';
import { optimizersPlugin } from '@keel/optimizers';
import { testLoss, testOptimizer } from '../src/vitest.js';

const lse = (xs: number[]): number => Math.log(xs.reduce((s, x) => s + Math.exp(x), 0));

testLoss(lossesPlugin, 'softmaxCrossEntropy', {
  known: [
    { predictions: [[0, 0]], targets: [[1, 0]], expected: Math.LN2 },
    { predictions: [[1, 2, 3]], targets: [[0, 0.5, 0.5]], expected: lse([1, 2, 3]) - 2.5 },
  ],
});
testLoss(lossesPlugin, 'sparseSoftmaxCrossEntropy', { known: [{ predictions: [[1, 2, 3], [0, 0, 0]], targets: [2, 0], expected: (lse([1, 2, 3]) - 3 + Math.log(3)) / 2 }] });
testLoss(lossesPlugin, 'meanSquaredError', { known: [{ predictions: [[1, 2]], targets: [[0, 0]], expected: 2.5 }] });
testLoss(lossesPlugin, 'meanAbsoluteError', { known: [{ predictions: [[1, -2]], targets: [[0, 0]], expected: 1.5 }] });
testLoss(lossesPlugin, 'huber', { known: [{ predictions: [[0.5, 3]], targets: [[0, 0]], expected: (0.5 * 0.25 + (3 - 0.5)) / 2 }] });
testLoss(lossesPlugin, 'binaryCrossEntropyWithLogits', { known: [{ predictions: [[0]], targets: [[1]], expected: Math.LN2 }] });
testLoss(lossesPlugin, 'binaryCrossEntropy', { known: [{ predictions: [[0.8]], targets: [[1]], expected: -Math.log(0.8), tolerance: 1e-6 }] });
testLoss(lossesPlugin, 'hinge', { known: [{ predictions: [[0.3, -2]], targets: [[1, -1]], expected: 0.7 / 2 }] });
testLoss(lossesPlugin, 'klDivergence', { known: [{ predictions: [[0.5, 0.5]], targets: [[0.25, 0.75]], expected: 0.25 * Math.log(0.5) + 0.75 * Math.log(1.5), tolerance: 1e-6 }] });

/** w ← w − lr·g on f(w) = w²/2 (g = w), from w = 1. */
function sgdReference(lr: number, momentum = 0, nesterov = false): number[] {
  let w = 1;
  let v = 0;
  const out: number[] = [];
  for (let t = 0; t < 10; t++) {
    const g = w;
    v = momentum * v + g;
    w -= lr * (nesterov ? g + momentum * v : momentum > 0 ? v : g);
    out.push(w);
  }
  return out;
}

/** Adam (Kingma & Ba, 2015) with bias correction, on f(w) = w²/2 from w = 1. */
function adamReference(lr: number, b1 = 0.9, b2 = 0.999, eps = 1e-8): number[] {
  let w = 1;
  let m = 0;
  let v = 0;
  const out: number[] = [];
  for (let t = 1; t <= 10; t++) {
    const g = w;
    m = b1 * m + (1 - b1) * g;
    v = b2 * v + (1 - b2) * g * g;
    const mHat = m / (1 - b1 ** t);
    const vHat = v / (1 - b2 ** t);
    w -= (lr * mHat) / (Math.sqrt(vHat) + eps);
    out.push(w);
  }
  return out;
}

testOptimizer(optimizersPlugin, 'sgd', { config: { lr: 0.1 }, reference: sgdReference(0.1), xorBudget: 4000, quadraticBudget: 200 });
testOptimizer(optimizersPlugin, 'sgd', { config: { lr: 0.1, momentum: 0.9 }, reference: sgdReference(0.1, 0.9) });
testOptimizer(optimizersPlugin, 'sgd', { config: { lr: 0.1, momentum: 0.9, nesterov: true }, reference: sgdReference(0.1, 0.9, true) });
testOptimizer(optimizersPlugin, 'adam', { config: { lr: 0.1 }, reference: adamReference(0.1) });
testOptimizer(optimizersPlugin, 'adamw', { config: { lr: 0.05, weightDecay: 1e-4 }, decaysWeights: true, quadraticBudget: 1000 });
testOptimizer(optimizersPlugin, 'rmsprop', { config: { lr: 0.01 }, quadraticBudget: 2000 });
testOptimizer(optimizersPlugin, 'adagrad', { config: { lr: 0.5 } });
testOptimizer(optimizersPlugin, 'adamax', { config: { lr: 0.05 } });
testOptimizer(optimizersPlugin, 'lion', { config: { lr: 0.003 }, quadraticBudget: 3000 });
