import { defaultRegistry, type Registry } from '@keel/registry';
import { checkSeed, Random, ShapeError, type DType, type Tensor } from '@keel/tensor';
import type { Layer } from './layer.js';
import { installLayers } from './plugin.js';
import { formatCount, renderTable } from './summary.js';

export interface SequentialOptions {
  name?: string;
  /** The shape of one example; lets the model build before it sees data. */
  inputShape?: readonly number[];
  /** Seeds every layer's initial weights (and dropout), so the same seed gives the same model. */
  seed?: number;
  /** Where layer types, activations and initializers are looked up (the default registry otherwise). */
  registry?: Registry;
  /** Parameter dtype: float32 (default), or float64 for gradient checks. */
  dtype?: DType;
}

/** Anything with parameters that maps a batch to a batch: what the trainer accepts. */
export interface Module {
  apply(x: Tensor): Tensor;
  /** Trainable parameters by unique name. */
  parameters(): Map<string, Tensor>;
  /** Non-trainable state by unique name (saved with the weights). */
  buffers(): Map<string, Tensor>;
  train(): void;
  eval(): void;
}

/** A stack of layers applied in order. */
export class Sequential implements Module {
  readonly name: string;
  readonly layers: Layer[] = [];
  readonly seed: number;
  readonly registry: Registry;
  readonly dtype: DType;
  private declaredInputShape: readonly number[] | undefined;
  private isTraining = true;

  constructor(layers: readonly Layer[] = [], options: SequentialOptions = {}) {
    this.name = options.name ?? 'sequential';
    if (options.seed !== undefined) checkSeed(options.seed, `${this.name}: seed`);
    this.seed = options.seed ?? 0;
    this.registry = options.registry ?? defaultRegistry;
    this.dtype = options.dtype ?? 'float32';
    this.declaredInputShape = options.inputShape === undefined ? undefined : [...options.inputShape];
    for (const layer of layers) this.add(layer);
  }

  /** Appends a layer, naming it `type_n` (dense_1, dense_2, ...) unless it has a name. */
  add(layer: Layer): this {
    if (this.built) throw new Error(`${this.name}: cannot add ${layer.name ?? layer.type} after the model is built`);
    if (layer.name === undefined) {
      const count = this.layers.filter((l) => l.type === layer.type).length + 1;
      layer.rename(`${layer.type}_${count}`);
    } else if (this.layers.some((l) => l.name === layer.name)) {
      throw new Error(`${this.name}: a layer named '${layer.name}' already exists; layer names must be unique`);
    }
    this.layers.push(layer);
    return this;
  }

  get built(): boolean {
    return this.layers.length > 0 && this.layers.every((layer) => layer.built);
  }

  /** The per-example input shape (declared, or from the first layer). */
  get inputShape(): readonly number[] | undefined {
    return this.declaredInputShape ?? this.layers[0]?.inputShape;
  }

  /** Creates every layer's weights for a per-example input shape; each layer draws from its own seeded stream. */
  build(inputShape?: readonly number[]): this {
    const shape = inputShape ?? this.inputShape;
    if (shape === undefined) {
      throw new Error(`${this.name}: the input shape is unknown; pass inputShape to Sequential, to the first layer, or to build()`);
    }
    installLayers(this.registry);
    const random = new Random(this.seed);
    let current: readonly number[] = shape;
    for (const layer of this.layers) {
      layer.build(current, { registry: this.registry, random: random.fork(), dtype: this.dtype });
      layer.training = this.isTraining;
      current = layer.outputShape(current);
    }
    this.declaredInputShape = [...shape];
    return this;
  }

  /** Runs the model on a batch; builds it from the batch's shape on first use. */
  apply(x: Tensor): Tensor {
    if (!this.built) this.build(this.inputShape ?? x.shape.slice(1));
    if (this.layers.length === 0) throw new ShapeError(this.name, 'the model has no layers');
    let y = x;
    for (const layer of this.layers) y = layer.apply(y);
    return y;
  }

  /** The per-example output shape. */
  outputShape(): number[] {
    const shape = this.inputShape;
    if (shape === undefined) throw new Error(`${this.name}: the input shape is unknown`);
    return this.layers.reduce<number[]>((current, layer) => layer.outputShape(current), [...shape]);
  }

  parameters(): Map<string, Tensor> {
    return new Map(this.layers.flatMap((layer) => [...layer.parameters()]));
  }

  buffers(): Map<string, Tensor> {
    return new Map(this.layers.flatMap((layer) => [...layer.buffers()]));
  }

  train(): void {
    this.isTraining = true;
    for (const layer of this.layers) layer.training = true;
  }

  eval(): void {
    this.isTraining = false;
    for (const layer of this.layers) layer.training = false;
  }

  get training(): boolean {
    return this.isTraining;
  }

  countParams(): { trainable: number; nonTrainable: number } {
    let trainable = 0;
    let nonTrainable = 0;
    for (const layer of this.layers) {
      const counts = layer.countParams();
      trainable += counts.trainable;
      nonTrainable += counts.nonTrainable;
    }
    return { trainable, nonTrainable };
  }

  /** A table of layers, output shapes and parameter counts (builds the model if needed). */
  summary(): string {
    if (!this.built) this.build();
    let shape: readonly number[] = this.inputShape!;
    const rows = this.layers.map((layer) => {
      shape = layer.outputShape(shape);
      const counts = layer.countParams();
      return [`${layer.name ?? layer.type} (${layer.type})`, `[batch, ${shape.join(', ')}]`, formatCount(counts.trainable + counts.nonTrainable)];
    });
    const { trainable, nonTrainable } = this.countParams();
    const table = renderTable(['Layer (type)', 'Output shape', 'Params'], rows, [false, false, true]);
    return [
      `Model: ${this.name} (input [batch, ${this.inputShape!.join(', ')}])`,
      table,
      `Total params: ${formatCount(trainable + nonTrainable)}  (trainable ${formatCount(trainable)}, non-trainable ${formatCount(nonTrainable)})`,
    ].join('\n');
  }
}
