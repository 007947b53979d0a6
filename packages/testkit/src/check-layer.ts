import { installLayers, Sequential, type Layer } from '@keel/layers';
import { Registry, type Plugin } from '@keel/registry';
import { concat, mean, mul, noGrad, normal, slice, sum, type Tensor } from '@keel/tensor';
import { maxRelativeDifference, numericGradient, sampleIndices } from './numeric.js';
import { attempt, report, type CheckReport, type CheckResult } from './report.js';

export interface LayerCheckOptions {
  /** The shape of one example (no batch dim). */
  inputShape: readonly number[];
  /** Extra plugins the layer needs (its own, third-party activations ...). */
  plugins?: readonly Plugin[];
  /** A registry to build in instead (it must hold Keel's layers; `plugins` is then ignored). */
  registry?: Registry;
  /** Check in evaluation mode (for stochastic layers such as Dropout). */
  evalMode?: boolean;
  seed?: number;
  /** Elements per tensor compared against finite differences (default 12). */
  samples?: number;
}

function registryFor(plugins: readonly Plugin[] = []): Registry {
  const registry = new Registry({ name: 'testkit registry' });
  installLayers(registry);
  for (const plugin of plugins) registry.use(plugin, { override: true });
  return registry;
}

/** A float64 model holding just the layer under test. */
function modelOf(createLayer: () => Layer, options: LayerCheckOptions, registry: Registry, seed: number): Sequential {
  const model = new Sequential([createLayer()], { inputShape: options.inputShape, seed, registry, dtype: 'float64' }).build();
  if (options.evalMode === true) model.eval();
  return model;
}

/**
 * Conformance checks for a layer: gradients of inputs and parameters against finite differences
 * (float64), no input mutation, batch invariance, the batch-scaling test, config round trip and
 * seeded determinism.
 */
export function checkLayer(createLayer: () => Layer, options: LayerCheckOptions): CheckReport {
  const registry = options.registry ?? registryFor(options.plugins);
  const seed = options.seed ?? 11;
  const samples = options.samples ?? 12;
  const model = modelOf(createLayer, options, registry, seed);
  const layer = model.layers[0];
  const batch = 3;
  const x = normal([batch, ...options.inputShape], 0, 1, { seed: seed + 1, dtype: 'float64' });
  const outShape = [batch, ...model.outputShape()];
  const direction = normal(outShape, 0, 1, { seed: seed + 2, dtype: 'float64' });
  const projected = (input: Tensor): Tensor => sum(mul(model.apply(input), direction));
  const results: CheckResult[] = [];

  results.push(
    attempt('gradients of input and parameters match finite differences (float64)', () => {
      const input = x.detach().requireGrad();
      for (const p of model.parameters().values()) p.zeroGrad();
      projected(input).backward();
      const loss = (): number => noGrad(() => projected(input)).item();
      const targets: [string, Tensor, Tensor | null][] = [['input', input, input.grad], ...[...model.parameters()].map(([n, p]): [string, Tensor, Tensor | null] => [n, p, p.grad])];
      for (const [name, target, grad] of targets) {
        if (grad === null) return { check: 'gradients', ok: false, message: `${name} received no gradient` };
        const indices = sampleIndices(target.size, samples);
        const numeric = numericGradient(target, indices, loss);
        const analytic = indices.map((i) => grad.values[i]);
        const { error, index } = maxRelativeDifference(analytic, numeric);
        if (error > 1e-4) {
          return { check: 'gradients', ok: false, message: `${name}[${indices[index]}]: analytic ${analytic[index]} vs numeric ${numeric[index]}` };
        }
      }
      return `input and ${model.parameters().size} parameter tensor(s) agree with central differences`;
    }),
  );

  results.push(
    attempt('inputs are never mutated', () => {
      const input = x.detach().requireGrad();
      const before = input.dataSync();
      projected(input).backward();
      const { error, index } = maxRelativeDifference(input.values, before);
      return error === 0 ? 'the input is unchanged' : { check: 'no mutation', ok: false, message: `input element ${index} changed` };
    }),
  );

  results.push(
    attempt('batch invariance (evaluation mode): row i of f(batch) equals f(row i)', () => {
      const evalModel = modelOf(createLayer, { ...options, evalMode: true }, registry, seed);
      const whole = noGrad(() => evalModel.apply(x));
      for (let row = 0; row < batch; row++) {
        const one = noGrad(() => evalModel.apply(slice(x, [row], [1])));
        const { error } = maxRelativeDifference(one.values, slice(whole, [row], [1]).values);
        if (error > 1e-9) return { check: 'batch invariance', ok: false, message: `example ${row} differs by ${error.toExponential(2)} when computed alone` };
      }
      return 'each example is computed on its own';
    }),
  );

  results.push(
    attempt('batch scaling: N copies of one example give that example’s parameter gradient under mean reduction', () => {
      const params = [...model.parameters()];
      if (params.length === 0) return 'no parameters: nothing to scale';
      const one = slice(x, [0], [1]);
      const gradientsFor = (input: Tensor): Float64Array[] => {
        for (const [, p] of params) p.zeroGrad();
        // mean over the batch of each example's projected output
        mean(sum(mul(model.apply(input), slice(direction, [0], [1])), { axis: outShape.slice(1).map((_, i) => i + 1) })).backward();
        return params.map(([, p]) => Float64Array.from(p.grad!.values));
      };
      const single = gradientsFor(one);
      const copies = gradientsFor(concat(Array.from({ length: 8 }, () => one), 0));
      for (let k = 0; k < params.length; k++) {
        const { error, index } = maxRelativeDifference(copies[k], single[k]);
        if (error > 1e-6) {
          return {
            check: 'batch scaling',
            ok: false,
            message: `${params[k][0]}[${index}]: ${copies[k][index]} for 8 copies vs ${single[k][index]} for one — a gradient summed (not averaged) over the batch, or summed over the wrong axis`,
          };
        }
      }
      return 'parameter gradients do not grow with the batch';
    }),
  );

  results.push(
    attempt('config round trip rebuilds the same layer', () => {
      const json = JSON.parse(JSON.stringify(layer.config())) as Record<string, never>;
      const rebuilt = registry.resolve('layer', layer.type).create(json);
      const again = new Sequential([rebuilt], { inputShape: options.inputShape, seed, registry, dtype: 'float64' }).build();
      if (options.evalMode === true) again.eval();
      const { error } = maxRelativeDifference(noGrad(() => again.apply(x)).values, noGrad(() => modelOf(createLayer, options, registry, seed).apply(x)).values);
      return error < 1e-12 ? `'${layer.type}' rebuilds from ${JSON.stringify(json)}` : { check: 'config', ok: false, message: `outputs differ by ${error}` };
    }),
  );

  results.push(
    attempt('seeded determinism', () => {
      const a = [...modelOf(createLayer, options, registry, seed).parameters().values()].map((p) => p.dataSync());
      const b = [...modelOf(createLayer, options, registry, seed).parameters().values()].map((p) => p.dataSync());
      const same = a.every((values, k) => maxRelativeDifference(values, b[k]).error === 0);
      return same ? 'the same seed gives the same parameters' : { check: 'determinism', ok: false, message: 'two builds with one seed differ' };
    }),
  );

  return report(`layer '${layer.type}'`, results);
}
