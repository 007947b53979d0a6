import { engine } from '../engine.js';
import { InternalError, ShapeError, TensorError } from '../errors.js';
import { formatShape, shapesEqual } from '../shape.js';
import { allocate } from '../dtype.js';
import { installBackwardPass, Tensor } from '../tensor.js';

/** Inputs before the tensors computed from them (post-order DFS), limited to tensors that need gradients. */
function topologicalOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<number>();
  const stack: [Tensor, boolean][] = [[root, false]];
  while (stack.length > 0) {
    const [tensor, expanded] = stack.pop()!;
    if (expanded) {
      order.push(tensor);
      continue;
    }
    if (visited.has(tensor.id)) continue;
    visited.add(tensor.id);
    stack.push([tensor, true]);
    for (const input of tensor.node?.inputs ?? []) {
      if (input.requiresGrad && !visited.has(input.id)) stack.push([input, false]);
    }
  }
  return order;
}

/**
 * Tensors whose graph a backward pass freed (without `retainGraph`), with the op that made them:
 * differentiating through them again would silently treat them as leaves, so it is an error.
 */
const released = new WeakMap<Tensor, string>();

/** The seed of a scalar root's backward pass: one, on the root's backend. */
function ones(root: Tensor): Tensor {
  const values = allocate(root.dtype, root.size).fill(1);
  return Tensor.fromValues(values, root.shape, root.dtype, root.backend);
}

/** Reverse-mode differentiation from `root`; leaves that require gradients accumulate `.grad`. */
export function backward(root: Tensor, seed: Tensor | undefined, options: { retainGraph?: boolean }): void {
  if (!root.requiresGrad) {
    throw new TensorError(
      'backward',
      'this tensor does not depend on anything that requires gradients (mark parameters with requireGrad(), and do not compute the loss inside noGrad)',
    );
  }
  if (seed === undefined && root.size !== 1) {
    throw new ShapeError('backward', `a tensor of shape ${formatShape(root.shape)} is not a scalar; pass its gradient: backward(dy)`);
  }
  if (seed !== undefined && !shapesEqual(seed.shape, root.shape)) {
    throw new ShapeError('backward', `the gradient has shape ${formatShape(seed.shape)} but the tensor has ${formatShape(root.shape)}`);
  }
  const order = topologicalOrder(root);
  for (const tensor of order) {
    const op = released.get(tensor);
    if (op !== undefined) {
      throw new TensorError(
        'backward',
        `tried to backpropagate through '${op}' a second time, but its graph was freed by an earlier backward(); ` +
          'pass { retainGraph: true } to the earlier call, or recompute the forward pass',
      );
    }
  }
  const grads = new Map<Tensor, Tensor>();
  const previousGrad = engine.gradEnabled;
  const previousPhase = engine.phase;
  engine.gradEnabled = false;
  engine.phase = 'backward';
  try {
    grads.set(root, seed ?? ones(root));
    for (let i = order.length - 1; i >= 0; i--) {
      const tensor = order[i];
      const dy = grads.get(tensor);
      if (dy === undefined) continue;
      grads.delete(tensor);
      const node = tensor.node;
      if (node === null) {
        tensor.grad = tensor.grad === null ? dy : engine.run('add', [tensor.grad, dy]);
        continue;
      }
      const outerScope = engine.swapScope(node.scope);
      let inputGrads: readonly (Tensor | null)[];
      try {
        inputGrads = node.backward(dy);
      } finally {
        engine.swapScope(outerScope);
      }
      for (let k = 0; k < node.inputs.length; k++) {
        const input = node.inputs[k];
        const grad = inputGrads[k];
        if (!input.requiresGrad || grad === null || grad === undefined) continue;
        if (!shapesEqual(grad.shape, input.shape)) {
          throw new InternalError(
            `the gradient of '${node.op}' for its input ${k} has shape ${formatShape(grad.shape)}, but that input has shape ${formatShape(input.shape)}`,
          );
        }
        // A float32 input used with float64 values still gets a float32 gradient (and vice versa).
        const typed = grad.dtype === input.dtype ? grad : engine.run('cast', [grad], { dtype: input.dtype });
        const previous = grads.get(input);
        grads.set(input, previous === undefined ? typed : engine.run('add', [previous, typed]));
      }
      if (options.retainGraph !== true) {
        released.set(tensor, node.op);
        tensor.node = null;
      }
    }
  } finally {
    engine.gradEnabled = previousGrad;
    engine.phase = previousPhase;
  }
}

installBackwardPass(backward);
