import type { Tensor } from '../tensor.js';

/** How a tensor was computed: the op, its inputs and the rule that maps dy to input gradients. */
export interface GradNode {
  readonly op: string;
  readonly inputs: readonly Tensor[];
  /** Gradients for each input (null where an input gets none), each of that input's shape. */
  readonly backward: (dy: Tensor) => readonly (Tensor | null)[];
  /** The layer scope the op ran in, for messages. */
  readonly scope: string;
}
