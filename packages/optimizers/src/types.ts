import type { Tensor } from '@keel/tensor';

/**
 * Named tensors: parameters, their gradients, or updates, keyed by parameter name
 * ('dense_1/kernel'). Names, not positions, so a saved state still fits after layers are reordered.
 */
export type Params = Readonly<Record<string, Tensor>>;

/**
 * Optimizer state: tensors, numbers, strings, booleans and null, in arrays and plain objects.
 * Nothing else (no functions, no classes), so any state can be saved with `serializeState`.
 */
export type OptState = Tensor | number | string | boolean | null | readonly OptState[] | { readonly [key: string]: OptState };

/** Extra inputs to `update` that some transformations read. */
export interface UpdateExtras {
  /** A metric to judge progress by, lower is better (a validation loss): read by `reduceOnPlateau`. */
  readonly metric?: number;
}

export interface UpdateResult<S extends OptState = OptState> {
  readonly updates: Params;
  readonly state: S;
}

export interface StepResult<S extends OptState = OptState> {
  /**
   * The parameters' new values: new tensors that nothing else holds (not the state, not a
   * parameter), since `applyStep` moves their storage into the parameters (`Tensor.replace`) and
   * empties them. Returning a parameter itself, unchanged, is fine.
   */
  readonly params: Params;
  readonly state: S;
}

/**
 * An optimizer, or a piece of one, as a pair of pure functions (the design of optax):
 * `init` makes the state for a set of parameters; `update` turns gradients into updates and
 * returns the next state. Neither changes its arguments, so a state can be kept, copied, saved
 * and restored at will; `applyUpdates` is the one place parameters change.
 */
export interface GradientTransformation<S extends OptState = OptState> {
  init(params: Params): S;
  update(grads: Params, state: S, params?: Params, extras?: UpdateExtras): UpdateResult<S>;
  /**
   * Optional: `update` and `applyUpdates` in one, returning the parameters' new values instead of
   * updates — the same values, computed with fewer passes (`scaleByLearningRate` does p − lr·u in
   * one fused kernel). `applyStep` uses it when present. Pure like `update`.
   */
  step?(grads: Params, state: S, params: Params, extras?: UpdateExtras): StepResult<S>;
}

/** A learning-rate schedule: the rate at a step (0 for the first update). */
export type Schedule = (step: number) => number;
