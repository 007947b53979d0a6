import type { IdOf, OptionFields } from '@keel/registry';
import type { LossFn } from './reduction.js';

/** What a loss's predictions are: raw scores, probabilities (rows of a softmax/sigmoid), or any real numbers. */
export type LossExpects = 'logits' | 'probabilities' | 'real';

/**
 * What its targets are: class indices, one-hot rows (or soft distributions over the classes),
 * real values, or two-class labels (0/1; -1/+1 for margin losses).
 */
export type LossTargets = 'index' | 'oneHot' | 'real' | 'binary';

/**
 * A loss id the compiler knows: Keel's (`BuiltinLossId`) and any a plugin declared in
 * `RegisteredIds`. Every API that takes a loss by id takes this type.
 */
export type LossId = IdOf<'loss'>;

/** Options a loss is created with by id, from a config object (JSON-able). */
export type LossConfig = Readonly<Record<string, unknown>>;

/**
 * A loss as registered under the `loss` kind. The metadata is what lets `checkLossInputs` (and
 * the diagnostics package) explain a mismatch in plain words.
 */
export interface LossSpec {
  readonly description: string;
  readonly expects: LossExpects;
  readonly targets: LossTargets;
  /**
   * Every option `create` accepts, declared once with a check, a one-line description and the
   * default (`declareOption` from @keel/registry). When declared, `createLoss` rejects any other
   * (a typo such as `reducton`) with a did-you-mean before the loss is built and passes `create`
   * the declared defaults for what is left out; `keel plugins --describe` lists them and the CLI
   * takes them as `--loss id:key=value`.
   */
  readonly options?: OptionFields;
  /** The loss function, with the config's options (such as `reduction`) as its defaults. */
  readonly create: (config?: LossConfig) => LossFn;
  /**
   * The loss a freshly initialised model should show (uniform predictions), when that is known:
   * ln K for softmax cross-entropy over K classes. A first loss far above it means a bad
   * initialisation or inputs.
   */
  readonly expectedInitialLoss?: (classes: number) => number;
}

declare module '@keel/registry' {
  interface KindEntries {
    loss: LossSpec;
  }
}
