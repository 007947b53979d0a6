import type { OptionFields } from '@keel/registry';
import type { Random, Tensor } from '@keel/tensor';

/** Everything an initializer may need to know about the tensor it fills. */
export interface InitContext {
  /** Number of inputs feeding one output unit (a Dense kernel [in, out]: in; a conv [kh, kw, in, out]: kh·kw·in). */
  readonly fanIn: number;
  /** Number of outputs one input unit feeds. */
  readonly fanOut: number;
  /** The generator to draw from (seeded by the model), so initialisation is reproducible. */
  readonly random: Random;
  readonly dtype?: 'float32' | 'float64';
}

/** Creates a tensor of `shape`. */
export type Initializer = (shape: readonly number[], context: InitContext) => Tensor;

/** An initializer plugin entry: `create(config)` returns the initializer. */
export interface InitializerEntry {
  readonly id: string;
  readonly override?: boolean;
  readonly description: string;
  /**
   * Every option the initializer takes, declared once with its check, default and a one-line
   * description (`declareOption` from @keel/registry): `createInitializer` rejects any other with a
   * did-you-mean, checks each value and fills in the defaults; `keel plugins --describe` lists
   * them and the CLI takes them as `--init id:key=value`. Values are numbers or strings. Without
   * `options` (and `defaults`) it takes none.
   */
  readonly options?: OptionFields;
  /**
   * The older shorthand for `options`: each key an option of its default's type (numbers finite),
   * e.g. `{ gain: 1 }`. Given with `options`, the two must agree.
   */
  readonly defaults?: Readonly<Record<string, number | string>>;
  readonly create: (config: Readonly<Record<string, number | string>>) => Initializer;
}

/** fanIn / fanOut of a weight shape: [in, out] for dense, [kh, kw, in, out] for conv (receptive field × channels). */
export function fans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0], fanOut: shape[0] };
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[shape.length - 2] * receptive, fanOut: shape[shape.length - 1] * receptive };
}
