// What the doctor needs to know about a model, read through public APIs only: layers (for a
// Sequential, or grouped from parameter names like 'dense_1/kernel' for any Module), each layer's
// activation metadata, kernel and bias, and fans.
import type { ActivationMeta } from '@keel/activations';
import { fans } from '@keel/initializers';
import type { Module } from '@keel/layers';
import type { Tensor } from '@keel/tensor';
import { kernelSpecOf } from './init-moments.js';

/** An activation as the doctor sees it: id plus metadata (a configured `Activation` satisfies it). */
export interface ActivationInfo extends ActivationMeta {
  readonly id: string;
}

export interface LayerView {
  readonly name: string;
  readonly type: string;
  readonly activation: ActivationInfo | undefined;
  readonly kernelInitializerId: string | undefined;
  /** The kernel initializer as configured (`{ id: 'uniform', minval: 0, maxval: 1 }`), from the layer's config. */
  readonly kernelSpec: string | { readonly id: string; readonly [option: string]: unknown } | undefined;
  readonly kernel: Tensor | undefined;
  readonly kernelName: string | undefined;
  readonly bias: Tensor | undefined;
  readonly biasName: string | undefined;
  readonly params: ReadonlyMap<string, Tensor>;
  readonly fanIn: number | undefined;
  readonly fanOut: number | undefined;
}

interface LayerLike {
  readonly name?: string;
  readonly type?: string;
  readonly activation?: unknown;
  readonly kernelInitializerId?: string;
  parameters?(): Map<string, Tensor>;
}

const finiteOr = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/**
 * A layer's activation as the doctor reads it, or undefined when the layer has none. A plugin's
 * `meta` is not checked field by field everywhere it can come from (plain-JS plugins, older
 * saves), so each field is read defensively: one that is missing or malformed counts as unknown —
 * no saturation, an unbounded range, no kinks, gain 1 and Glorot like a linear layer — and the
 * doctor keeps working instead of crashing on `saturation.below`.
 */
function activationInfo(value: unknown): ActivationInfo | undefined {
  if (typeof value !== 'object' || value === null || typeof (value as { id?: unknown }).id !== 'string') return undefined;
  const meta = value as { readonly [K in keyof ActivationInfo]?: unknown } & { readonly id: string };
  const saturation = typeof meta.saturation === 'object' && meta.saturation !== null ? (meta.saturation as Record<string, unknown>) : {};
  const below = finiteOr(saturation.below);
  const above = finiteOr(saturation.above);
  const range = Array.isArray(meta.outputRange) ? (meta.outputRange as unknown[]) : [];
  const lo = typeof range[0] === 'number' && !Number.isNaN(range[0]) ? range[0] : -Infinity;
  const hi = typeof range[1] === 'number' && !Number.isNaN(range[1]) ? range[1] : Infinity;
  const gain = finiteOr(meta.gain);
  return {
    id: meta.id,
    gain: gain !== undefined && gain > 0 ? gain : 1,
    ...(meta.gainIsConvention === true ? { gainIsConvention: true } : {}),
    recommendedInitializer: typeof meta.recommendedInitializer === 'string' ? meta.recommendedInitializer : 'glorotUniform',
    outputRange: range.length === 2 && lo <= hi ? [lo, hi] : [-Infinity, Infinity],
    saturation: { ...(below !== undefined ? { below } : {}), ...(above !== undefined ? { above } : {}) },
    kinks: Array.isArray(meta.kinks) ? (meta.kinks as unknown[]).filter((k): k is number => typeof k === 'number') : [],
    ...(meta.producesProbabilities === true ? { producesProbabilities: true } : {}),
    ...(meta.rowwise === true ? { rowwise: true } : {}),
  };
}

function view(name: string, type: string, params: ReadonlyMap<string, Tensor>, layer: LayerLike | undefined): LayerView {
  const kernelEntry = [...params].find(([n]) => n === `${name}/kernel`) ?? [...params].find(([, t]) => t.rank >= 2);
  const biasEntry = [...params].find(([n]) => n === `${name}/bias`);
  const kernel = kernelEntry?.[1];
  const f = kernel === undefined ? undefined : fans(kernel.shape);
  const activation = activationInfo(layer?.activation);
  return {
    name,
    type,
    activation,
    kernelInitializerId: layer?.kernelInitializerId,
    kernelSpec: layer !== undefined ? kernelSpecOf(layer, layer.kernelInitializerId) : undefined,
    kernel,
    kernelName: kernelEntry?.[0],
    bias: biasEntry?.[1],
    biasName: biasEntry?.[0],
    params,
    fanIn: f?.fanIn,
    fanOut: f?.fanOut,
  };
}

/** The layers of a model, in order: a Sequential's own, or groups of parameters by name prefix. */
export function layersOf(model: Module): LayerView[] {
  const layers = (model as { layers?: unknown }).layers;
  if (Array.isArray(layers)) {
    return (layers as LayerLike[]).map((layer) => {
      const name = layer.name ?? layer.type ?? 'layer';
      const params: Map<string, Tensor> = typeof layer.parameters === 'function' ? layer.parameters() : new Map<string, Tensor>();
      return view(name, layer.type ?? 'layer', params, layer);
    });
  }
  const groups = new Map<string, Map<string, Tensor>>();
  for (const [name, t] of model.parameters()) {
    const prefix = name.includes('/') ? name.slice(0, name.lastIndexOf('/')) : name;
    let group = groups.get(prefix);
    if (group === undefined) groups.set(prefix, (group = new Map<string, Tensor>()));
    group.set(name, t);
  }
  return [...groups].map(([name, params]) => view(name, 'layer', params, undefined));
}

/** Layers that only reshape or drop values, and so do not decide the output's activation. */
const passThrough = new Set(['flatten', 'reshape', 'dropout']);

/** The layer whose activation produces the model's output (the last one with an activation). */
export function outputLayer(layers: readonly LayerView[]): LayerView | undefined {
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i];
    if (layer.activation !== undefined) return layer;
    if (!passThrough.has(layer.type)) return layer;
  }
  return undefined;
}

/** ReLU-like: the gradient vanishes on one side only (relu, elu, gelu, swish, softplus, ...). */
export function isOneSided(act: ActivationInfo | undefined): boolean {
  return act !== undefined && act.saturation.below !== undefined && act.saturation.above === undefined;
}

/** Sigmoid-like: the gradient vanishes on both sides (sigmoid, tanh, hardSigmoid, softsign, ...). */
export function isTwoSided(act: ActivationInfo | undefined): boolean {
  return act !== undefined && act.saturation.below !== undefined && act.saturation.above !== undefined;
}

/** The ReLU family proper: He-initialised, or dying below 0. */
export function isReluFamily(act: ActivationInfo | undefined): boolean {
  return act !== undefined && (act.recommendedInitializer.toLowerCase().startsWith('he') || (isOneSided(act) && act.saturation.below === 0));
}

/** What a unit of this activation is called in messages ('ReLU', 'sigmoid', 'acme/swish'). */
export function unitName(act: ActivationInfo | undefined): string {
  if (act === undefined) return 'linear';
  if (act.id === 'relu') return 'ReLU';
  return act.id;
}

/** Readable initializer names for messages. */
export function initializerLabel(id: string | undefined): string {
  if (id === undefined) return 'its initializer';
  if (id.startsWith('he')) return 'He';
  if (id.startsWith('glorot')) return 'Glorot';
  if (id.startsWith('lecun')) return 'LeCun';
  return `'${id}'`;
}

/** The learning rate and name of an optimizer config, for messages. */
export interface OptimizerInfo {
  readonly id: string | undefined;
  readonly lr: number | undefined;
  readonly label: string;
}

export function optimizerInfo(optimizer: unknown, defaultLr?: number): OptimizerInfo {
  if (typeof optimizer === 'string') return { id: optimizer, lr: defaultLr, label: labelOf(optimizer) };
  if (typeof optimizer === 'object' && optimizer !== null && typeof (optimizer as { id?: unknown }).id === 'string') {
    const { id, lr } = optimizer as { id: string; lr?: unknown };
    return { id, lr: typeof lr === 'number' ? lr : defaultLr, label: labelOf(id) };
  }
  return { id: undefined, lr: undefined, label: 'the optimizer' };
}

function labelOf(id: string): string {
  const known: Record<string, string> = { sgd: 'SGD', adam: 'Adam', adamw: 'AdamW', rmsprop: 'RMSprop', adagrad: 'Adagrad', adamax: 'Adamax', lion: 'Lion' };
  return known[id] ?? id;
}
