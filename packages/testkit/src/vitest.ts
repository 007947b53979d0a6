import type { ActivationConfig } from '@keel/activations';
import type { Layer, LayerConfig } from '@keel/layers';
import type { LossConfig } from '@keel/losses';
import type { GradientTransformation, OptimizerConfig } from '@keel/optimizers';
import type { Plugin, Registry } from '@keel/registry';
import { beforeAll, describe, expect, it } from 'vitest';
import { callSite, checkFailure } from './call-site.js';
import { checkActivationEntry } from './check-activation-entry.js';
import { backendContract, selectedCases, type BackendCheckOptions } from './check-backend.js';
import { runConformanceCase } from './conformance.js';
import { checkActivation, type ActivationCheckOptions } from './check-activation.js';
import { checkLayer, type LayerCheckOptions } from './check-layer.js';
import { checkLossEntry } from './check-loss-entry.js';
import { checkLoss, type LossCheckOptions } from './check-loss.js';
import { checkOptimizerEntry } from './check-optimizer-entry.js';
import { checkOptimizer, type OptimizerCheckOptions } from './check-optimizer.js';
import { formatConfig } from './format-config.js';
import { registryWith, type EntrySource } from './registry-with.js';
import type { CheckReport } from './report.js';

// Every helper takes the same things: a plugin (or a registry), an id (left out: every entry of
// the kind the plugin provides), and options with the configurations to check. Each entry gets a
// suite for its registered entry and one suite per configuration, titled with it.

/** A plugin (checked among Keel's built-ins) or a registry of your own. */
export type Source = Plugin | Registry;

export interface ActivationTestOptions extends Omit<ActivationCheckOptions, 'config'> {
  /** Configurations to check, one suite each (default: the entry's defaults). */
  configs?: readonly ActivationConfig[];
  /** One configuration (the same as `configs: [config]`). */
  config?: ActivationConfig;
  /** With no id: these ids instead of every activation the plugin provides. */
  ids?: readonly string[];
}

export interface LossTestOptions extends Omit<LossCheckOptions, 'config' | 'plugin' | 'registry'> {
  configs?: readonly LossConfig[];
  config?: LossConfig;
  ids?: readonly string[];
}

export interface OptimizerTestOptions extends OptimizerCheckOptions {
  configs?: readonly OptimizerConfig[];
  config?: OptimizerConfig;
  ids?: readonly string[];
}

export interface LayerTestOptions extends Omit<LayerCheckOptions, 'plugins' | 'registry'> {
  configs?: readonly LayerConfig[];
  config?: LayerConfig;
}

function isRegistry(source: Source): source is Registry {
  return typeof (source as Registry).resolve === 'function' && typeof (source as Registry).list === 'function';
}

function entrySource(source: Source): EntrySource {
  return isRegistry(source) ? { registry: source } : { plugin: source };
}

function configsOf<C>(options: { configs?: readonly C[]; config?: C }, empty: C): readonly C[] {
  return options.configs ?? [options.config ?? empty];
}

/** `(plugin, 'id', options)` or `(plugin, options)`: the ids to check and the options. */
function selection<O extends { ids?: readonly string[] }>(source: Source, kind: 'activation' | 'loss' | 'optimizer', idOrOptions: string | O | undefined, maybeOptions: O | undefined): { ids: string[]; options: O } {
  if (typeof idOrOptions === 'string') return { ids: [idOrOptions], options: maybeOptions ?? ({} as O) };
  const options = idOrOptions ?? ({} as O);
  if (options.ids !== undefined) return { ids: [...options.ids], options };
  const ids = isRegistry(source) ? source.list(kind) : (source.provides[kind] ?? []).map((entry) => entry.id);
  return { ids, options };
}

// Titles of entry suites registered in each test file: an entry's suite is registered once per
// file, however many calls check configurations of it.
const registered = new Map<string, Set<string>>();

function firstTimeInFile(title: string): boolean {
  const file = expect.getState().testPath ?? '';
  const titles = registered.get(file) ?? new Set<string>();
  registered.set(file, titles);
  if (titles.has(title)) return false;
  titles.add(title);
  return true;
}

/**
 * One vitest suite per report, one test per check. A failure is thrown with the caller's stack
 * (`site`), so vitest shows the user's `testActivation(...)` line, not a line of the testkit.
 */
function register(title: string, run: () => CheckReport, site: string): void {
  describe(title, () => {
    let result: CheckReport;
    try {
      result = run();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      it('runs its checks', () => {
        throw checkFailure(`the checks could not run: ${message}`, site);
      });
      return;
    }
    for (const check of result.results) {
      it(check.check, () => {
        if (!check.ok) throw checkFailure(check.message, site);
        expect(check.ok).toBe(true);
      });
    }
  });
}

type EntryKind = 'activation' | 'loss' | 'optimizer';

const HELPERS: Record<EntryKind, { plural: string; helper: string }> = {
  activation: { plural: 'activations', helper: 'testActivation' },
  loss: { plural: 'losses', helper: 'testLoss' },
  optimizer: { plural: 'optimizers', helper: 'testOptimizer' },
};

/**
 * For each id, a suite for its registered entry (once per file) and one per configuration; an
 * empty selection is a failed test, not a silent pass.
 */
function registerEntries<C extends Readonly<Record<string, unknown>>>(
  kind: EntryKind,
  source: Source,
  selected: { ids: readonly string[]; configs: readonly C[] },
  checks: { entry: (id: string, configs: readonly C[]) => CheckReport; conformance: (id: string, config: C) => CheckReport },
  site: string,
): void {
  const { plural, helper } = HELPERS[kind];
  if (selected.ids.length === 0) {
    const where = isRegistry(source) ? `registry '${source.name}'` : `plugin ${source.name}`;
    describe(`${source.name}: ${plural}`, () => {
      it(`provides ${plural}`, () => {
        throw checkFailure(`${where} has no ${plural} to check; pass the id: ${helper}(plugin, 'acme/name')`, site);
      });
    });
  }
  for (const id of selected.ids) {
    const entryTitle = `${source.name}: ${kind} '${id}' (registered entry)`;
    if (firstTimeInFile(entryTitle)) register(entryTitle, () => checks.entry(id, selected.configs), site);
    for (const config of selected.configs) register(`${source.name}: ${kind} '${id}' ${formatConfig(config)}`, () => checks.conformance(id, config), site);
  }
}

/**
 * Registers vitest suites for activations: for each id, its registered entry and each
 * configuration's conformance checks. Call it at the top level of a test file:
 *
 * ```ts
 * testActivation(myPlugin);                                        // every activation it provides
 * testActivation(myPlugin, 'acme/snake', { configs: [{}, { alpha: 0.5 }] });
 * ```
 */
export function testActivation(source: Source, id?: string, options?: ActivationTestOptions): void;
export function testActivation(source: Source, options?: ActivationTestOptions): void;
export function testActivation(source: Source, idOrOptions?: string | ActivationTestOptions, maybeOptions?: ActivationTestOptions): void {
  const site = callSite(testActivation);
  const { ids, options } = selection(source, 'activation', idOrOptions, maybeOptions);
  const { configs: _configs, config: _config, ids: _ids, ...checks } = options;
  registerEntries('activation', source, { ids, configs: configsOf(options, {}) }, {
    entry: (id, configs) => checkActivationEntry(id, { ...entrySource(source), configs }),
    conformance: (id, config) => checkActivation(id, { ...checks, ...entrySource(source), config }),
  }, site);
}

/**
 * Registers vitest suites for losses, like `testActivation`:
 * `testLoss(myPlugin, 'acme/focal', { known: [...], configs: [{}, { gamma: 3 }] })`.
 * `testLoss('huber', { known })` (an id first) checks one of Keel's losses, or `options.plugin`'s,
 * without its registered entry: the form existing callers use.
 */
export function testLoss(source: Source, id?: string, options?: LossTestOptions): void;
export function testLoss(source: Source, options?: LossTestOptions): void;
export function testLoss(id: string, options?: LossCheckOptions): void;
export function testLoss(first: Source | string, idOrOptions?: string | (LossTestOptions & LossCheckOptions), maybeOptions?: LossTestOptions): void {
  const site = callSite(testLoss);
  if (typeof first === 'string') {
    const options: LossCheckOptions = typeof idOrOptions === 'object' ? idOrOptions : {};
    const owner = options.registry?.name ?? options.plugin?.name;
    register(`${owner === undefined ? '' : `${owner}: `}loss '${first}' ${formatConfig(options.config ?? {})}`, () => checkLoss(first, options), site);
    return;
  }
  const { ids, options } = selection(first, 'loss', idOrOptions, maybeOptions);
  const { configs: _configs, config: _config, ids: _ids, ...checks } = options;
  registerEntries('loss', first, { ids, configs: configsOf(options, {}) }, {
    entry: (id, configs) => checkLossEntry(id, { ...entrySource(first), configs }),
    conformance: (id, config) => checkLoss(id, { ...checks, ...entrySource(first), config }),
  }, site);
}

/**
 * Registers vitest suites for optimizers, like `testActivation`:
 * `testOptimizer(myPlugin, 'acme/signum', { configs: [{ lr: 0.004 }], reference })`.
 * A transformation that is not registered is tested through a factory, titled with `name`:
 * `testOptimizer('my chain', () => chain(...), options)`.
 */
export function testOptimizer(source: Source, id?: string, options?: OptimizerTestOptions): void;
export function testOptimizer(source: Source, options?: OptimizerTestOptions): void;
export function testOptimizer(name: string, create: () => GradientTransformation, options?: OptimizerCheckOptions): void;
export function testOptimizer(
  first: Source | string,
  second?: string | OptimizerTestOptions | (() => GradientTransformation),
  third?: OptimizerTestOptions,
): void {
  const site = callSite(testOptimizer);
  if (typeof first === 'string') {
    if (typeof second !== 'function') {
      throw new TypeError(`testOptimizer('${first}', ...): pass the plugin (or registry) and the id, testOptimizer(myPlugin, '${first}'), or a name and a factory, testOptimizer('${first}', () => myOptimizer())`);
    }
    register(`optimizer '${first}'`, () => checkOptimizer(first, second, third), site);
    return;
  }
  if (typeof second === 'function') throw new TypeError('testOptimizer(plugin, ...): the second argument is an id (or options), not a factory');
  const { ids, options } = selection(first, 'optimizer', second, third);
  const { configs: _configs, config: _config, ids: _ids, ...checks } = options;
  registerEntries('optimizer', first, { ids, configs: configsOf(options, {}) }, {
    entry: (id, configs) => checkOptimizerEntry(id, { ...entrySource(first), configs }),
    conformance: (id, config) => checkOptimizer(id, { ...checks, ...entrySource(first), config }),
  }, site);
}

/**
 * Registers vitest suites for a layer type by id, one per configuration:
 * `testLayer(myPlugin, 'acme/gated', { configs: [{ units: 4 }], inputShape: [8] })`; or for a
 * layer you build yourself: `testLayer(() => new MyLayer({ units: 4 }), { inputShape: [8] })`.
 */
export function testLayer(source: Source, id: string, options: LayerTestOptions): void;
export function testLayer(createLayer: () => Layer, options: LayerCheckOptions): void;
export function testLayer(first: Source | (() => Layer), second: string | LayerCheckOptions, third?: LayerTestOptions): void {
  const site = callSite(testLayer);
  if (typeof first === 'function') {
    const options = second as LayerCheckOptions;
    let title: string;
    try {
      const layer = first();
      title = `layer '${layer.type}' ${formatConfig(layer.config())}`;
    } catch {
      title = 'layer'; // the checks report the error
    }
    register(title, () => checkLayer(first, options), site);
    return;
  }
  if (typeof second !== 'string' || third === undefined) throw new TypeError("testLayer(plugin, id, options): pass the layer's id and options with its inputShape, testLayer(myPlugin, 'acme/gated', { inputShape: [8] })");
  const id = second;
  const { configs: _configs, config: _config, ...checks } = third;
  for (const config of configsOf(third, {})) {
    register(`${first.name}: layer '${id}' ${formatConfig(config)}`, () => {
      const registry = isRegistry(first) ? first : registryWith(first);
      return checkLayer(() => registry.resolve('layer', id).create(config), { ...checks, registry });
    }, site);
  }
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
