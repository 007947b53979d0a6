import { TensorError } from '../errors.js';
import { formatShape, shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { toTensor, type TensorLike } from '../ops/convert.js';
import { noGrad } from './mode.js';
import { record } from './record.js';

/** What a custom backward receives: named values, so the derivative is applied to the right one. */
export interface BackwardArgs<A> {
  /** The op's inputs (x). */
  readonly inputs: readonly Tensor[];
  /** The op's output (y). */
  readonly output: Tensor;
  /** The gradient of the loss with respect to the output. */
  readonly dy: Tensor;
  readonly attrs: A;
}

export interface OpDefinition<A> {
  /** Shown in errors, hooks and traces. */
  readonly name: string;
  /** Computes the output from tensors, with any ops. */
  readonly forward: (inputs: readonly Tensor[], attrs: A) => Tensor;
  /**
   * One gradient per input (null for none), each of its input's shape. Omit it and autograd
   * differentiates `forward` itself.
   */
  readonly backward?: (args: BackwardArgs<A>) => readonly (Tensor | null)[];
}

/**
 * Defines a differentiable op with its own gradient, for plugins (a custom activation, a fused
 * kernel). The backward's result shapes are checked on every call.
 */
export function defineOp<A = Record<string, never>>(definition: OpDefinition<A>): (inputs: readonly TensorLike[], attrs?: A) => Tensor {
  const { name, forward, backward } = definition;
  return (values, attrs = {} as A) => {
    const inputs = values.map((value) => toTensor(name, value));
    if (backward === undefined) return forward(inputs, attrs);
    const computed = noGrad(() => forward(inputs, attrs));
    // A forward that hands back an input (or another recorded tensor) gets a fresh view, so
    // recording below never rewrites that tensor's own graph.
    const output = computed.requiresGrad || inputs.includes(computed) ? computed.detach() : computed;
    return record(output, name, inputs, (dy) => {
      const grads = backward({ inputs, output, dy, attrs });
      if (grads.length !== inputs.length) {
        throw new TensorError(name, `backward returned ${grads.length} gradients for ${inputs.length} inputs`);
      }
      grads.forEach((g, i) => {
        if (g !== null && !shapesEqual(g.shape, inputs[i].shape)) {
          throw new TensorError(name, `backward returned a gradient of shape ${formatShape(g.shape)} for input ${i} of shape ${formatShape(inputs[i].shape)}`);
        }
      });
      return grads;
    });
  };
}
