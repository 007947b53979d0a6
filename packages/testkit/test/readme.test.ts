// The README's examples, run as written. Every line of every ts block of README.md appears in
// this file, in order (imports aside: the README names '@keel/testkit', this file ../src), and
// every export of both entry points has a section of its own with an example.
import { readFileSync } from 'node:fs';
import { createActivation, varianceGain, type ActivationEntry } from '@keel/activations';
import { Dense, layersPlugin } from '@keel/layers';
import { meanPerExample, reduce, withDefaults, type LossOptions, type LossSpec, type Reduction } from '@keel/losses';
import { adam, chain, clipByGlobalNorm, scaleByLearningRate, scaleByMomentum, type OptimizerConfig, type OptimizerSpec, type Schedule } from '@keel/optimizers';
import { declareOption, defaultRegistry, definePlugin, optionField } from '@keel/registry';
import { abs, add, affine, div, installTensorPlugin, mul, noGrad, sin, softplus, square, sub, sum, tensor, type Tensor } from '@keel/tensor';
import { describe, expect, it } from 'vitest';
import * as testkit from '../src/index.js';
import {
  backendContract,
  camelCase,
  cEnumCodes,
  checkActivation,
  checkActivationEntry,
  checkLayer,
  checkLoss,
  checkBackend,
  checkLossEntry,
  checkMatmulAgainstJs,
  checkOptimizer,
  checkOptimizerEntry,
  compareValues,
  conformanceCases,
  constantCodes,
  formatConfig,
  formatReport,
  MATMUL_CHECK_SIZES,
  maxRelativeDifference,
  numericGradient,
  onBackend,
  opCodeDrift,
  registryWith,
  runConformance,
  runConformanceCase,
  selectedCases,
  sgdTrajectory,
  VERSION,
} from '../src/index.js';
import * as vitestHelpers from '../src/vitest.js';
import { testActivation, testBackend, testLayer, testLoss, testOptimizer } from '../src/vitest.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

// The plugin the examples test
/** snake(x) = x + sin²(αx)/α (Liu Ziyin et al., 2020): periodic, for periodic data. */
const snake: ActivationEntry = {
  id: 'acme/snake',
  description: 'x + sin²(αx)/α, periodic (alpha > 0, default 1)',
  options: { alpha: declareOption(optionField.number((v) => v > 0, '> 0'), 'the frequency: the period is π/alpha', 1) },
  forward: (x, config) => add(x, div(square(sin(mul(x, config.alpha as number))), config.alpha as number)),
  meta: (config) => ({
    gain: varianceGain((x) => x + Math.sin((config.alpha as number) * x) ** 2 / (config.alpha as number)),
    recommendedInitializer: 'heNormal',
    outputRange: [-Infinity, Infinity],
    saturation: {},
    kinks: [],
  }),
};

/** log(cosh(p − t)) = |d| + softplus(−2|d|) − ln 2, stable for any d. */
function logCoshLoss(predictions: Tensor, targets: Tensor, options: LossOptions = {}): Tensor {
  const d = abs(sub(predictions, targets));
  return reduce('acme/logCosh', meanPerExample(affine(add(d, softplus(affine(d, -2, 0))), 1, -Math.LN2)), options.reduction);
}

const logCosh: LossSpec & { id: string } = {
  id: 'acme/logCosh',
  description: 'log(cosh(p − t)): squared error near the target, absolute error far from it',
  expects: 'real',
  targets: 'real',
  options: { reduction: declareOption(optionField.choice(['mean', 'sum', 'none']), 'how the batch is reduced', 'mean') },
  create: (config = {}) => withDefaults(logCoshLoss, { reduction: (config.reduction ?? 'mean') as Reduction }),
};

const clippedSgd: OptimizerSpec & { id: string } = {
  id: 'acme/clippedSgd',
  description: 'SGD with momentum on gradients clipped to a global norm (lr, momentum, maxNorm)',
  defaultLearningRate: 0.05,
  options: {
    // trainers pass lr as a schedule (step => rate): take one as well as a number
    lr: declareOption({ expected: 'a number > 0 or a schedule (step => rate)', accepts: (v) => typeof v === 'function' || (typeof v === 'number' && v > 0) }, 'the learning rate', 0.05),
    momentum: declareOption(optionField.number((v) => v >= 0 && v < 1, 'in [0, 1)'), 'how much of the previous step is kept', 0.9),
    maxNorm: declareOption(optionField.number((v) => v > 0, '> 0'), 'the global norm gradients are clipped to', 1),
  },
  create: (config: OptimizerConfig = {}) =>
    chain(clipByGlobalNorm((config.maxNorm ?? 1) as number), scaleByMomentum({ momentum: (config.momentum ?? 0.9) as number }), scaleByLearningRate((config.lr ?? 0.05) as number | Schedule)),
};

export const acmePlugin = definePlugin({
  name: '@acme/keel-snake',
  version: '1.0.0',
  provides: { activation: [snake], loss: [logCosh], optimizer: [clippedSgd] },
});

// The ids become checked names wherever Keel takes an id.
declare module '@keel/registry' {
  interface RegisteredIds {
    'activation:acme/snake': true;
    'loss:acme/logCosh': true;
    'optimizer:acme/clippedSgd': true;
  }
}

// Vitest helpers
testActivation(acmePlugin);                                             // every activation the plugin provides
testActivation(acmePlugin, 'acme/snake', { configs: [{ alpha: 0.5 }, { alpha: 2 }] });
testLoss(acmePlugin, 'acme/logCosh', { known: [{ predictions: [[0, 1]], targets: [[0, 0]], expected: Math.log(Math.cosh(1)) / 2 }] });
testLoss(acmePlugin, 'acme/logCosh', { configs: [{ reduction: 'sum' }] });
testOptimizer(acmePlugin, 'acme/clippedSgd', { configs: [{}, { lr: 0.1, momentum: 0.5 }] });
testOptimizer('clipped adam', () => chain(clipByGlobalNorm(1), adam({ lr: 0.1 })));
testLayer(layersPlugin, 'dense', { configs: [{ units: 2 }, { units: 3, activation: 'tanh' }], inputShape: [4] });
testLayer(() => new Dense({ units: 4, activation: { id: 'acme/snake', alpha: 0.5 } }), { inputShape: [3], plugins: [acmePlugin] });

describe('README: checks as functions', () => {
  it('checkActivation', () => {
    const snakeReport = checkActivation('acme/snake', { plugin: acmePlugin, config: { alpha: 0.5 } });
    if (!snakeReport.ok) throw new Error(formatReport(snakeReport));
    expect(snakeReport.subject).toBe("activation 'acme/snake' {alpha: 0.5}");
  });

  it('checkActivationEntry', () => {
    const snakeEntry = checkActivationEntry('acme/snake', { plugin: acmePlugin, configs: [{}, { alpha: 0.5 }] });
    const lines = snakeEntry.results.map((r) => `${r.ok ? '✓' : '✗'} ${r.check}: ${r.message}`);
    expect(lines.at(-1)).toBe("✓ createActivation rejects an unknown option with a did-you-mean: activation 'acme/snake' has no option 'alphaa'; did you mean 'alpha'? valid options: alpha");
    expect(snakeEntry.ok, formatReport(snakeEntry)).toBe(true);
  });

  it('checkLoss', () => {
    const lossReport = checkLoss('acme/logCosh', { plugin: acmePlugin, known: [{ predictions: [[0, 1]], targets: [[0, 0]], expected: Math.log(Math.cosh(1)) / 2 }] });
    expect(lossReport.ok, formatReport(lossReport)).toBe(true);
  });

  it('checkLossEntry', () => {
    const lossEntry = checkLossEntry('acme/logCosh', { plugin: acmePlugin, configs: [{ reduction: 'sum' }] });
    expect(lossEntry.ok, formatReport(lossEntry)).toBe(true);
  });

  it('checkOptimizer', () => {
    const sgdReport = checkOptimizer('acme/clippedSgd', { plugin: acmePlugin, config: { lr: 0.1 } });
    const adamReport = checkOptimizer('clipped adam', () => chain(clipByGlobalNorm(1), adam({ lr: 0.1 })));
    expect(sgdReport.ok, formatReport(sgdReport)).toBe(true);
    expect(adamReport.ok, formatReport(adamReport)).toBe(true);
  });

  it('checkOptimizerEntry, and the messages it shows for an entry without options', () => {
    const optimizerEntry = checkOptimizerEntry('acme/clippedSgd', { plugin: acmePlugin, configs: [{}, { lr: 0.1 }] });
    expect(optimizerEntry.ok, formatReport(optimizerEntry)).toBe(true);
    const undeclared = definePlugin({ ...acmePlugin, provides: { optimizer: [{ ...clippedSgd, options: undefined }] } });
    for (const line of formatReport(checkOptimizerEntry('acme/clippedSgd', { plugin: undeclared })).split('\n').filter((l) => l.includes('✗'))) {
      expect(readme).toContain(line.trim());
    }
  });

  it('checkLayer', () => {
    const layerReport = checkLayer(() => new Dense({ units: 3, activation: 'acme/snake' }), { inputShape: [4], plugins: [acmePlugin] });
    expect(layerReport.ok, formatReport(layerReport)).toBe(true);
  });

  it('formatReport', () => {
    const firstLine = formatReport(checkLossEntry('acme/logCosh', { plugin: acmePlugin })).split('\n')[0];
    expect(firstLine).toBe("loss 'acme/logCosh' (registered entry): all checks passed");
  });

  it('formatConfig', () => {
    const title = formatConfig({ alpha: 0.5, approximate: 'tanh' }); // "{alpha: 0.5, approximate: 'tanh'}"
    const untitled = formatConfig({}); // '(default options)'
    expect([title, untitled]).toEqual(["{alpha: 0.5, approximate: 'tanh'}", '(default options)']);
  });

  it('registryWith', () => {
    const registry = registryWith(acmePlugin);
    const gain = createActivation(registry, { id: 'acme/snake', alpha: 2 }).gain;
    const entryReport = checkOptimizerEntry('acme/clippedSgd', { registry });
    expect(gain).toBeCloseTo(varianceGain((x) => x + Math.sin(2 * x) ** 2 / 2), 12);
    expect(entryReport.ok).toBe(true);
  });

  it('numericGradient and maxRelativeDifference', () => {
    const w = tensor([0.5, -1, 2], undefined, { dtype: 'float64' }).requireGrad();
    sum(square(w)).backward();
    const numeric = numericGradient(w, [0, 1, 2], () => noGrad(() => sum(square(w))).item());
    const { error } = maxRelativeDifference(w.grad!.values, numeric); // < 1e-8: 2w both ways
    expect(error).toBeLessThan(1e-8);
    expect(Array.from(w.values)).toEqual([0.5, -1, 2]); // restored
  });
});

// Checks for a backend
testBackend('js', { install: () => installTensorPlugin(defaultRegistry), only: /^matmul/ });

describe('README: checks for a backend', () => {
  it('checkBackend, backendContract, selectedCases', async () => {
    const backendReport = await checkBackend('js', { only: /^matmul/ });
    const contractChecks = backendContract.map((c) => c.check);
    const matmulCases = selectedCases({ only: /^matmul/ }).map((c) => c.name); // ['matmul 5x7x3', ...]
    expect(backendReport.ok, formatReport(backendReport)).toBe(true);
    expect(backendReport.results.length).toBe(contractChecks.length + matmulCases.length);
    expect(matmulCases[0]).toBe('matmul 5x7x3');
  });

  it('runConformance, runConformanceCase, conformanceCases', () => {
    const failures = runConformance('js', { only: /^matmul/, gradients: false }).filter((r) => !r.ok); // []
    const firstCase = runConformanceCase(conformanceCases[0], 'js');
    expect(failures).toEqual([]);
    expect(firstCase.ok, firstCase.message).toBe(true);
  });

  it('opCodeDrift, cEnumCodes, constantCodes, camelCase', () => {
    const cCodes = cEnumCodes('enum { NEG, ABS, UNARY_COUNT };', 'NEG'); // { neg: 0, abs: 1 }
    const asCodes = constantCodes('const NEG = 0;\nconst ABS = 1;', 'NEG'); // { neg: 0, abs: 1 }
    const drift = opCodeDrift('unary', asCodes, cCodes, ['neg', 'abs']); // []
    const opName = camelCase('MAX_POOL_GRAD'); // 'maxPoolGrad'
    expect([cCodes, asCodes, drift, opName]).toEqual([{ neg: 0, abs: 1 }, { neg: 0, abs: 1 }, [], 'maxPoolGrad']);
  });

  it('checkMatmulAgainstJs, onBackend, sgdTrajectory, compareValues', () => {
    const backend = 'js'; // your backend's name, as registered: 'webgpu'
    for (const [m, k, n] of MATMUL_CHECK_SIZES) {
      const { ok, message } = checkMatmulAgainstJs(backend, [m, k], [k, n]);
      if (!ok) throw new Error(`${m}x${k}x${n}: ${message}`);
    }
    const reference = onBackend('js', sgdTrajectory).losses;
    const mine = onBackend(backend, sgdTrajectory).losses;
    const { ok } = compareValues(tensor(mine), tensor(reference), 1e-4, 1e-5); // true
    expect(ok).toBe(true);
  });

  it('VERSION', () => {
    const label = `@keel/testkit@${VERSION}`;
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(label).toBe(`@keel/testkit@${manifest.version}`);
  });
});

/** The ts blocks of the README. */
function blocks(): string[] {
  return [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
}

describe('the README itself', () => {
  const here = readFileSync(new URL(import.meta.url), 'utf8')
    .split('\n')
    .map((l) => l.trim());

  it('has every line of its examples in this file, in order (imports and comment lines aside)', () => {
    for (const block of blocks()) {
      let at = 0;
      for (const line of block.split('\n').map((l) => l.trim())) {
        if (line === '' || line.startsWith('import ') || line.startsWith('//')) continue;
        const found = here.indexOf(line, at);
        expect(found, `README line not run here (in this order): ${line}`).toBeGreaterThanOrEqual(0);
        at = found + 1;
      }
    }
  });

  it('documents every export of both entry points under a heading of its own, with an example using it', () => {
    const sections = readme.split(/^### /m).slice(1);
    for (const name of [...Object.keys(testkit), ...Object.keys(vitestHelpers)]) {
      const section = sections.find((s) => new RegExp(`^[^\\n]*\`${name}[\`(]`).test(s));
      expect(section, `no '### \`${name}\`' heading in README.md`).toBeDefined();
      const examples = [...section!.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
      expect(examples.some((code) => code.includes(name)), `no example using ${name} under its heading`).toBe(true);
    }
  });

  it('imports from the entry points only names they export', () => {
    const exported: Record<string, string[]> = { '@keel/testkit': Object.keys(testkit), '@keel/testkit/vitest': Object.keys(vitestHelpers) };
    for (const [, names, from] of readme.matchAll(/^import \{ ([^}]*) \} from '(@keel\/testkit(?:\/vitest)?)';$/gm)) {
      for (const name of names.split(',').map((n) => n.trim()).filter((n) => !n.startsWith('type '))) {
        expect(exported[from], `${name} from ${from}`).toContain(name);
      }
    }
  });
});
