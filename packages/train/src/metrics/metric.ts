import type { IdOf, OptionFields } from '@keel/registry';
import type { Tensor } from '@keel/tensor';

/**
 * A metric id the compiler knows: Keel's (`BuiltinMetricId`) and any a plugin declared in
 * `RegisteredIds`. `fit`'s and `evaluate`'s `metrics` take these.
 */
export type MetricId = IdOf<'metric'>;

/** A streaming metric: fed batch by batch, read at the end of an epoch. */
export interface Metric {
  /** The name it is logged under ('accuracy', 'f1', ...). */
  readonly name: string;
  reset(): void;
  /** Adds one batch of predictions (model outputs) and targets. */
  update(predictions: Tensor, targets: Tensor): void;
  /** The value so far; structured metrics (a confusion matrix) return an object. */
  result(): number | MetricValue;
}

export interface MetricValue {
  readonly [key: string]: number | readonly number[] | readonly (readonly number[])[];
}

/** What a metric needs to know about the task to read predictions right. */
export interface MetricContext {
  /** Whether predictions are logits (binary threshold 0) or probabilities (threshold 0.5). */
  readonly predictions: 'logits' | 'probabilities' | 'real';
}

/** A metric plugin entry (kind 'metric'). */
export interface MetricEntry {
  readonly id: string;
  readonly override?: boolean;
  readonly description: string;
  /**
   * Every option `create` takes in its config, declared once (`declareOption` from @keel/registry);
   * `keel plugins --describe` lists them. Keel's metrics take none (`{}`).
   */
  readonly options?: OptionFields;
  /** Higher is better (accuracy) or lower is better (mae); used by early stopping's 'auto' mode. */
  readonly direction: 'max' | 'min';
  readonly create: (context: MetricContext, config?: Readonly<Record<string, unknown>>) => Metric;
}

declare module '@keel/registry' {
  interface KindEntries {
    metric: MetricEntry;
  }
}
