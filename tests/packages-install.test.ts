// Every published package must work on its own: pack it as npm would publish it, install the
// tarball into a fresh project outside the workspace with npm, then import it from JS and from TS.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { npmInstall, packedKeel } from './packed-keel.js';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

/** Packages that are published, a snippet using each one the way its README does, and what it prints. */
const packages: { dir: string; name: string; smoke: string; prints: unknown; files?: string[] }[] = [
  {
    dir: 'packages/registry',
    name: '@keel/registry',
    smoke: `
      import { Registry, definePlugin } from '@keel/registry';
      const registry = new Registry();
      registry.use(definePlugin({ name: 'acme', version: '1.0.0', provides: { activation: [{ id: 'acme/swish' }] } }));
      let message = '';
      try { registry.resolve('activation', 'acme/swihs'); } catch (error) { message = (error as Error).message; }
      console.log(JSON.stringify({ list: registry.list('activation'), message }));
    `,
    prints: { list: ['acme/swish'], message: "unknown activation 'acme/swihs'; did you mean 'acme/swish'? registered: acme/swish" },
  },
  {
    dir: 'packages/data',
    name: '@keel/data',
    smoke: `
      import { twoMoons, xor } from '@keel/data';
      const moons = twoMoons({ n: 10, noise: 0.1, seed: 1 });
      console.log(JSON.stringify({ xor: Array.from(xor().y), moons: moons.shape }));
    `,
    prints: { xor: [0, 1, 1, 0], moons: [10, 2] },
  },
  {
    dir: 'packages/tensor',
    name: '@keel/tensor',
    smoke: `
      import { add, matmul, softmax, sum, tensor } from '@keel/tensor';
      const w = tensor([[1, 2], [3, 4]]).requireGrad();
      sum(add(matmul(tensor([[1, 1]]), w), 1)).backward();
      console.log(JSON.stringify({ grad: w.grad?.toArray(), p: softmax(tensor([1000, 0])).toArray() }));
    `,
    prints: { grad: [[1, 1], [1, 1]], p: [1, 0] },
  },
  {
    dir: 'packages/activations',
    name: '@keel/activations',
    smoke: `
      import { Registry } from '@keel/registry';
      import { createActivation, installActivations } from '@keel/activations';
      const relu = createActivation(installActivations(new Registry()), 'relu');
      console.log(JSON.stringify({ gain: relu.gain, init: relu.recommendedInitializer }));
    `,
    prints: { gain: Math.SQRT2, init: 'heNormal' },
  },
  {
    dir: 'packages/initializers',
    name: '@keel/initializers',
    smoke: `
      import { Registry } from '@keel/registry';
      import { Random } from '@keel/tensor';
      import { createInitializer, installInitializers } from '@keel/initializers';
      const init = createInitializer(installInitializers(new Registry()), { id: 'constant', value: 0.5 });
      console.log(JSON.stringify(init([2], { fanIn: 1, fanOut: 2, random: new Random(1) }).toArray()));
    `,
    prints: [0.5, 0.5],
  },
  {
    dir: 'packages/layers',
    name: '@keel/layers',
    smoke: `
      import { Dense, Sequential } from '@keel/layers';
      const model = new Sequential([new Dense({ units: 3, activation: 'relu' }), new Dense({ units: 2 })], { inputShape: [4] }).build();
      console.log(JSON.stringify([...model.parameters().keys()]));
    `,
    prints: ['dense_1/kernel', 'dense_1/bias', 'dense_2/kernel', 'dense_2/bias'],
  },
  {
    dir: 'packages/losses',
    name: '@keel/losses',
    smoke: `
      import { sparseSoftmaxCrossEntropy } from '@keel/losses';
      import { tensor } from '@keel/tensor';
      console.log(JSON.stringify(Math.round(sparseSoftmaxCrossEntropy(tensor([[0, 0]]), tensor([1])).item() * 1e6) / 1e6));
    `,
    prints: Math.round(Math.LN2 * 1e6) / 1e6,
  },
  {
    dir: 'packages/optimizers',
    name: '@keel/optimizers',
    smoke: `
      import { applyUpdates, sgd } from '@keel/optimizers';
      import { tensor } from '@keel/tensor';
      const params = { w: tensor([1]) };
      const opt = sgd({ lr: 0.5 });
      const { updates } = opt.update({ w: tensor([2]) }, opt.init(params), params);
      applyUpdates(params, updates);
      console.log(JSON.stringify(params.w.toArray()));
    `,
    prints: [0],
  },
  {
    dir: 'packages/testkit',
    name: '@keel/testkit',
    smoke: `
      import { checkActivation } from '@keel/testkit';
      console.log(JSON.stringify(checkActivation('tanh').ok));
    `,
    prints: true,
  },
  {
    dir: 'packages/train',
    name: '@keel/train',
    smoke: `
      import { ArrayDataset, xor } from '@keel/data';
      import { Dense, Sequential } from '@keel/layers';
      import { evaluate, fit } from '@keel/train';
      const { x, y } = xor();
      const data = new ArrayDataset(x, [2], Float32Array.from(y), [1]);
      const model = new Sequential([new Dense({ units: 8, activation: 'tanh' }), new Dense({ units: 1 })], { inputShape: [2], seed: 1 });
      await fit(model, data, { loss: 'binaryCrossEntropyWithLogits', optimizer: { id: 'adam', lr: 0.05 }, epochs: 500, batchSize: 4 });
      console.log(JSON.stringify(evaluate(model, data, { loss: 'binaryCrossEntropyWithLogits' }).accuracy));
    `,
    prints: 1,
  },
  {
    dir: 'packages/diagnostics',
    name: '@keel/diagnostics',
    smoke: `
      import { Dense, Sequential } from '@keel/layers';
      import { lint } from '@keel/diagnostics';
      import { tensor } from '@keel/tensor';
      const model = new Sequential([new Dense({ units: 4, activation: 'relu' }), new Dense({ units: 3, activation: 'softmax' })], { inputShape: [2] });
      const report = lint({ model, loss: 'sparseSoftmaxCrossEntropy', batch: { x: tensor([[0, 1], [1, 0]]), y: tensor([0, 2]) } });
      console.log(JSON.stringify(report.findings.some((f) => f.code === 'probabilities-for-logits')));
    `,
    prints: true,
  },
  {
    dir: 'packages/backend-wasm',
    name: '@keel/backend-wasm',
    smoke: `
      import { installWasmBackend } from '@keel/backend-wasm';
      import { defaultRegistry } from '@keel/registry';
      import { getBackend, matmul, setBackend, tensor } from '@keel/tensor';
      installWasmBackend(defaultRegistry);
      setBackend('wasm');
      console.log(JSON.stringify({ backend: getBackend(), product: matmul(tensor([[1, 2]]), tensor([[3], [4]])).toArray() }));
    `,
    prints: { backend: 'wasm', product: [[11]] },
  },
  {
    // Ships its C sources and builds them on install (node-gyp against the system's OpenBLAS,
    // which the set-up installs); \`build/\` is what that install script produced.
    dir: 'packages/backend-native',
    name: '@keel/backend-native',
    files: ['binding.gyp', 'build', 'native', 'scripts'],
    smoke: `
      import { installNativeBackend, nativeAvailability } from '@keel/backend-native';
      import { defaultRegistry } from '@keel/registry';
      import { bestBackend, matmul, setBackend, tensor } from '@keel/tensor';
      installNativeBackend(defaultRegistry);
      const available = nativeAvailability().available;
      if (available) setBackend('native');
      console.log(JSON.stringify({ available, best: bestBackend(), product: matmul(tensor([[1, 2]]), tensor([[3], [4]])).toArray() }));
    `,
    prints: { available: true, best: 'native', product: [[11]] },
  },
];

let project = '';

beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), 'keel-install-'));
  const packed = await packedKeel();
  const tarballs = packages.map(({ dir, name }) => {
    const pkg = packed.get(name);
    expect(pkg?.dir, `${name} is not the published package in ${dir}`).toBe(dir);
    return pkg!.tarball;
  });
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'keel-consumer', private: true, type: 'module' }));
  npmInstall(project, tarballs);
});

afterAll(() => {
  if (project !== '') rmSync(project, { recursive: true, force: true });
});

describe.each(packages)('$name installed from its tarball', ({ name, smoke, prints, files = [] }) => {
  const file = `smoke-${name.replace(/[@/]/g, '_')}`;

  it('ships only dist, README and package.json (and what it builds from), with types in its exports', () => {
    const manifest = JSON.parse(execFileSync('node', ['-p', `JSON.stringify(require('${name}/package.json'))`], { cwd: project, encoding: 'utf8' })) as {
      exports: Record<string, Record<string, string>>;
    };
    expect(manifest.exports['.']).toEqual({ types: './dist/index.d.ts', import: './dist/index.js' });
    const installed = readdirSync(join(project, 'node_modules', ...name.split('/'))).sort();
    expect(installed.filter((f) => f !== 'node_modules')).toEqual(['README.md', 'dist', 'package.json', ...files].sort());
  });

  it('imports and runs from plain JavaScript', () => {
    writeFileSync(join(project, `${file}.mjs`), smoke.replace(/ as Error/g, ''));
    const output = execFileSync(process.execPath, [`${file}.mjs`], { cwd: project, encoding: 'utf8' });
    expect(JSON.parse(output)).toEqual(prints);
  });

  it('type-checks from TypeScript with the published declarations', () => {
    writeFileSync(join(project, `${file}.ts`), smoke);
    const args = [tsc, '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--lib', 'es2023,dom', `${file}.ts`];
    execFileSync(process.execPath, args, { cwd: project, encoding: 'utf8' });
  });
});
