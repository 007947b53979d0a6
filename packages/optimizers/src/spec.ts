import type { IdOf, OptionFields } from '@keel/registry';
import type { GradientTransformation } from './types.js';

/**
 * An optimizer id the compiler knows: Keel's (`BuiltinOptimizerId`) and any a plugin declared in
 * `RegisteredIds`. Every API that takes an optimizer by id takes this type.
 */
export type OptimizerId = IdOf<'optimizer'>;

/** Options an optimizer is created with by id, from a config object (`{ lr: 1e-3 }`). */
export type OptimizerConfig = Readonly<Record<string, unknown>>;

/** An optimizer as registered under the `optimizer` kind. */
export interface OptimizerSpec {
  readonly description: string;
  /** The learning rate used when a config gives none (trainers scale or schedule from it). */
  readonly defaultLearningRate?: number;
  /**
   * Every option `create` accepts, declared once with a check, a one-line description and the
   * default (`declareOption` from @keel/registry). When declared, `createOptimizer` rejects any
   * other (a typo, or `momentum` for an optimizer without one) with a did-you-mean before the
   * optimizer is built and passes `create` the declared defaults for what is left out;
   * `keel plugins --describe` lists them, the CLI takes them as `--optimizer id:key=value` and
   * passes `--momentum` only to optimizers that declare it.
   */
  readonly options?: OptionFields;
  /** Builds the optimizer; bad or missing options are errors that name the option. */
  readonly create: (config?: OptimizerConfig) => GradientTransformation;
}

declare module '@keel/registry' {
  interface KindEntries {
    optimizer: OptimizerSpec;
  }
}
