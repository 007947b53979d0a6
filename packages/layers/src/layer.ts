import type { Registry } from '@keel/registry';
import { checkReference } from './fields.js';
import { formatShape, keep, ShapeError, withScope, type DType, type Random, type Tensor } from '@keel/tensor';

/** JSON-compatible values a layer's config may hold. */
export type ConfigValue = string | number | boolean | null | readonly ConfigValue[] | { readonly [key: string]: ConfigValue };
export type LayerConfig = Readonly<Record<string, ConfigValue>>;

/** What a layer needs while it creates its weights. */
export interface BuildContext {
  /** Where activations, initializers and layer types are looked up. */
  readonly registry: Registry;
  /** Draws initial weights (and dropout masks later), seeded by the model. */
  readonly random: Random;
  /** float32 normally; float64 for gradient checks. */
  readonly dtype: DType;
}

/** A plugin reference that a layer depends on (its activation, its initializers). */
export interface PluginDependency {
  readonly kind: 'activation' | 'initializer' | 'layer';
  readonly id: string;
}

export interface LayerOptions {
  /** A name unique in its model (`dense_1`); given by the model when omitted. */
  name?: string;
  /** The shape of one example (no batch dim); lets a model build before seeing data. */
  inputShape?: readonly number[];
}

/**
 * A layer: a named function of one tensor with its own parameters (trainable) and buffers
 * (state such as batch-norm running statistics). Shapes given to `build`, `outputShape` and
 * checked by `apply` are per example: the batch dim is never part of them.
 */
export abstract class Layer {
  /** The registry id of this layer's type, e.g. 'dense'. */
  abstract readonly type: string;
  name: string | undefined;
  /** In training mode dropout drops and batch norm uses batch statistics. */
  training = true;
  private readonly ownParams = new Map<string, Tensor>();
  private readonly ownBuffers = new Map<string, Tensor>();
  private builtShape: readonly number[] | undefined;
  private readonly declaredInputShape: readonly number[] | undefined;

  constructor(options: LayerOptions = {}) {
    this.name = options.name;
    this.declaredInputShape = options.inputShape === undefined ? undefined : [...options.inputShape];
  }

  /** Creates weights for inputs of `inputShape` (per example). */
  protected abstract buildWeights(inputShape: readonly number[], context: BuildContext): void;
  /** The layer's computation on a batch. */
  protected abstract call(x: Tensor): Tensor;
  /** The per-example output shape for a per-example input shape (throws if the input cannot fit). */
  abstract outputShape(inputShape: readonly number[]): number[];
  /** The options that rebuild this layer (no weights). */
  abstract config(): LayerConfig;

  /**
   * The shapes of the parameters and buffers `build` would create for a per-example input shape,
   * by local name, without creating them; undefined when the layer cannot tell (a plugin layer
   * that does not override this). Lets a loader check a saved config against its weights file
   * before allocating anything.
   */
  weightShapes(_inputShape: readonly number[]): Record<string, number[]> | undefined {
    return undefined;
  }

  /**
   * Checks what the options refer to (an activation, initializers) against a registry, before any
   * weight is made; throws naming the option. By default: every dependency is registered.
   */
  checkReferences(registry: Registry): void {
    for (const { kind, id } of this.dependencies()) checkReference(this.label, kind, id, () => registry.resolve(kind, id));
  }

  /** Plugins this layer needs beyond its own type (activation, initializers). */
  dependencies(): PluginDependency[] {
    return [];
  }

  get built(): boolean {
    return this.builtShape !== undefined;
  }

  /** The per-example input shape the layer was built for (or declared with). */
  get inputShape(): readonly number[] | undefined {
    return this.builtShape ?? this.declaredInputShape;
  }

  /** Builds the layer for a per-example input shape, once. */
  build(inputShape: readonly number[], context: BuildContext): void {
    if (this.builtShape !== undefined) {
      this.checkShape(inputShape);
      return;
    }
    this.outputShape(inputShape); // validates the shape with this layer's own message
    withScope(this.label, () => this.buildWeights(inputShape, context));
    this.builtShape = [...inputShape];
  }

  /** Runs the layer on a batch `[batch, ...inputShape]`; the input shape is checked first. */
  apply(x: Tensor): Tensor {
    if (this.builtShape === undefined) {
      throw new Error(`${this.label} is not built yet: add it to a Sequential model or call build(inputShape, context) first`);
    }
    this.checkShape(x.shape.slice(1), x.shape);
    return withScope(this.label, () => this.call(x));
  }

  /** Trainable parameters by full name (`dense_1/kernel`). */
  parameters(): Map<string, Tensor> {
    return this.qualified(this.ownParams);
  }

  /** Non-trainable state by full name (`batch_norm_1/movingMean`). */
  buffers(): Map<string, Tensor> {
    return this.qualified(this.ownBuffers);
  }

  /** Number of scalar parameters (trainable and not). */
  countParams(): { trainable: number; nonTrainable: number } {
    let trainable = 0;
    let nonTrainable = 0;
    for (const t of this.ownParams.values()) trainable += t.size;
    for (const t of this.ownBuffers.values()) nonTrainable += t.size;
    return { trainable, nonTrainable };
  }

  protected get label(): string {
    return this.name ?? this.type;
  }

  /**
   * Registers a trainable parameter under a local name (full name: `layer/local`). Parameters and
   * buffers outlive any allocation scope they are made in (a model built lazily inside `tidy` or
   * a training step): `keep` takes them out of it.
   */
  protected addParam(localName: string, value: Tensor): Tensor {
    value.name = `${this.label}/${localName}`;
    value.requiresGrad = true;
    keep(value);
    this.ownParams.set(localName, value);
    return value;
  }

  protected param(localName: string): Tensor {
    const value = this.ownParams.get(localName);
    if (value === undefined) throw new Error(`${this.label} has no parameter '${localName}'`);
    return value;
  }

  protected addBuffer(localName: string, value: Tensor): Tensor {
    value.name = `${this.label}/${localName}`;
    keep(value);
    this.ownBuffers.set(localName, value);
    return value;
  }

  protected buffer(localName: string): Tensor {
    const value = this.ownBuffers.get(localName);
    if (value === undefined) throw new Error(`${this.label} has no buffer '${localName}'`);
    return value;
  }

  /** Names tensors after the layer (re-run when a model renames the layer). */
  rename(name: string): void {
    this.name = name;
    for (const [local, t] of this.ownParams) t.name = `${name}/${local}`;
    for (const [local, t] of this.ownBuffers) t.name = `${name}/${local}`;
  }

  private qualified(map: Map<string, Tensor>): Map<string, Tensor> {
    return new Map([...map].map(([local, t]) => [`${this.label}/${local}`, t]));
  }

  private checkShape(actual: readonly number[], full?: readonly number[]): void {
    const expected = this.builtShape;
    if (expected === undefined) return;
    const same = expected.length === actual.length && expected.every((dim, i) => dim === actual[i]);
    if (!same) {
      const shown = full === undefined ? formatShape(actual) : formatShape(full);
      throw new ShapeError(this.label, `expected input of shape [batch, ${expected.join(', ')}], got ${shown}`);
    }
  }
}

/** Checks a per-example input rank for a layer's messages. */
export function expectRank(layer: string, inputShape: readonly number[], rank: number, what: string): void {
  if (inputShape.length !== rank) {
    throw new ShapeError(layer, `expected ${what}, got per-example shape ${formatShape(inputShape)} (input [batch, ${inputShape.join(', ')}])`);
  }
}
