import type { Layer } from '@keel/layers';
import type { Plugin } from '@keel/registry';
import { beforeAll, describe, expect, it } from 'vitest';
import { backendContract, selectedCases, type BackendCheckOptions } from './check-backend.js';
import { runConformanceCase } from './conformance.js';
import { checkActivation, type ActivationCheckOptions } from './check-activation.js';
import { checkLayer, type LayerCheckOptions } from './check-layer.js';
import { checkLoss, type LossCheckOptions } from './check-loss.js';
import { checkOptimizer, type OptimizerCheckOptions } from './check-optimizer.js';
import type { GradientTransformation } from '@keel/optimizers';
import type { CheckReport } from './report.js';

function register(subject: string, run: () => CheckReport): void {
  describe(subject, () => {
    const result = run();
    for (const check of result.results) {
      it(check.check, () => {
        expect(check.ok, check.message).toBe(true);
      });
    }
  });
}

/**
 * Registers vitest tests for every activation a plugin provides (or the ids given).
 * Call it at the top level of a test file: `testActivation(myPlugin)`.
 */
export function testActivation(plugin: Plugin, options: ActivationCheckOptions & { ids?: readonly string[] } = {}): void {
  const ids = options.ids ?? (plugin.provides.activation ?? []).map((entry) => entry.id);
  for (const id of ids) register(`${plugin.name}: activation '${id}'`, () => checkActivation(id, { ...options, plugin }));
}

/** Registers vitest tests for a layer: `testLayer(() => new MyLayer({...}), { inputShape: [8] })`. */
export function testLayer(createLayer: () => Layer, options: LayerCheckOptions): void {
  register(`layer ${createLayer().type}`, () => checkLayer(createLayer, options));
}

/** Registers vitest tests for a loss by id (Keel's or your plugin's): `testLoss('acme/focal', { plugin, known })`. */
export function testLoss(id: string, options: LossCheckOptions = {}): void {
  register(`loss '${id}'`, () => checkLoss(id, options));
}

/** Registers vitest tests for an optimizer: `testOptimizer('acme/signum', () => signum({ lr: 0.01 }))`. */
export function testOptimizer(name: string, create: () => GradientTransformation, options: OptimizerCheckOptions = {}): void {
  register(`optimizer '${name}'`, () => checkOptimizer(name, create, options));
}

/** Options of `testBackend`: the checks', plus how to install the backend and when to skip it. */
export interface BackendTestOptions extends BackendCheckOptions {
  /** Installs the backend into the engine's registry before the tests run (e.g. `() => installWasmBackend()`). */
  readonly install?: () => void;
  /** Why the backend cannot run here (its tests are then skipped, saying so), or undefined. */
  readonly skip?: string;
}

/**
 * Registers vitest tests for a tensor backend — the public harness a third-party backend runs, and
 * the one 'js', 'wasm' and 'native' run: the backend contract (valid definition, the ownership
 * rule's guarantees, `await t.data()`), then one test per conformance case, each against the 'js'
 * reference and finite differences. Call it at the top level of a test file:
 * `testBackend('mygpu', { install: () => installMyGpu(defaultRegistry) })`.
 */
export function testBackend(name: string, options: BackendTestOptions = {}): void {
  const title = options.skip === undefined ? `backend '${name}'` : `backend '${name}' — skipped: ${options.skip}`;
  describe.skipIf(options.skip !== undefined)(title, () => {
    if (options.install !== undefined) beforeAll(options.install);
    for (const { check, run } of backendContract) {
      it(check, async () => {
        await run(name);
      });
    }
    if (options.conformance === false) return;
    for (const c of selectedCases(options)) {
      it(`conformance: ${c.name}`, () => {
        const result = runConformanceCase(c, name, options);
        expect(result.ok, result.message).toBe(true);
      });
    }
  });
}
