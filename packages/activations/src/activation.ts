import type { OptionFields } from '@keel/registry';
import type { FusedActivation, Tensor } from '@keel/tensor';

/** Where an activation's gradient vanishes: used by diagnostics to spot saturated units. */
export interface Saturation {
  /** Below this input the gradient is (nearly) zero, e.g. relu: 0, sigmoid: -6. */
  readonly below?: number;
  /** Above this input the gradient is (nearly) zero, e.g. sigmoid: 6. */
  readonly above?: number;
}

/** Facts about an activation that initializers, diagnostics and the testkit read. */
export interface ActivationMeta {
  /**
   * The gain as PyTorch's `calculate_gain` defines it: the factor that keeps activation variance
   * stable through layers (relu √2, leaky relu √(2/(1+α²)), tanh 5/3, selu 3/4, linear/sigmoid 1).
   */
  readonly gain: number;
  /**
   * True where the gain is a convention rather than √(1/E[f(x)²]) for x ~ N(0, 1) — PyTorch's
   * sigmoid gain of 1, for instance. The testkit's gain check skips such entries.
   */
  readonly gainIsConvention?: boolean;
  /** The initializer id a layer should use for weights feeding this activation by default. */
  readonly recommendedInitializer: string;
  /** The range of outputs, e.g. [0, Infinity] for relu, [0, 1] for sigmoid. */
  readonly outputRange: readonly [number, number];
  readonly saturation: Saturation;
  /** Inputs where the derivative is not defined (gradient checks stay away from them). */
  readonly kinks: readonly number[];
  /** True for activations that must not be followed by a from-logits loss (softmax, sigmoid). */
  readonly producesProbabilities?: boolean;
  /** True when the output of each row depends on the whole row (softmax), not elementwise. */
  readonly rowwise?: boolean;
  /**
   * The fused kernel of @keel/tensor's `dense` that computes exactly this activation: a Dense
   * layer then runs matmul, bias and activation as two kernels instead of three ops. Only the
   * built-in relu, sigmoid, tanh and linear set it; leave it unset for your own activations.
   */
  readonly fused?: FusedActivation;
}

/** What a backward written against named values receives. */
export interface ActivationGradArgs {
  /** The activation's input (pre-activation, often called z). */
  readonly x: Tensor;
  /** The activation's output (a = f(z)). */
  readonly y: Tensor;
  /** The gradient of the loss with respect to y. */
  readonly dy: Tensor;
}

/** A configured activation, ready to apply. */
export interface Activation extends ActivationMeta {
  readonly id: string;
  /** The configuration it was created with (serialised in model configs). */
  readonly config: Readonly<Record<string, number | string | boolean>>;
  /** Applies the activation (differentiable). */
  apply(x: Tensor): Tensor;
}

/**
 * An activation plugin entry. `forward` computes f(x) with tensor ops; `backward`, if given,
 * computes dx from `{ x, y, dy }` — without it autograd differentiates `forward`.
 * `meta` may depend on the config (a leaky relu's gain depends on its slope).
 */
export interface ActivationEntry {
  readonly id: string;
  readonly override?: boolean;
  readonly description: string;
  /**
   * Every option the activation takes, declared once with its type, default and a one-line
   * description (`declareOption` from @keel/registry): `createActivation` rejects any other with a
   * did-you-mean, checks each value and fills in the defaults; `keel plugins --describe` lists them
   * and the CLI takes them as `--activation id:key=value`. Values must be numbers, strings or
   * booleans (model configs serialise them). Without `options` (and `defaults`) it takes none.
   */
  readonly options?: OptionFields;
  /**
   * The older shorthand for `options`: each key is an option of its default's type (numbers
   * finite), e.g. `{ alpha: 0.01 }`. Declare `options` instead, which also say what values are
   * valid and what each option does; given with `options`, the two must agree.
   */
  readonly defaults?: Readonly<Record<string, number | string | boolean>>;
  /**
   * Checks a configuration (defaults filled in, after the options' own checks) for what one option
   * alone cannot say (how two relate):
   * returns what is wrong in a few words (`'must be >= 0, got -1'`-style, naming the option) or
   * undefined when it is fine. Called once, when the activation is created.
   */
  readonly validate?: (config: Readonly<Record<string, number | string | boolean>>) => string | undefined;
  readonly forward: (x: Tensor, config: Readonly<Record<string, number | string | boolean>>) => Tensor;
  readonly backward?: (args: ActivationGradArgs, config: Readonly<Record<string, number | string | boolean>>) => Tensor;
  readonly meta: ActivationMeta | ((config: Readonly<Record<string, number | string | boolean>>) => ActivationMeta);
}
