import { engine } from '../engine.js';
// Whatever records a graph makes `Tensor.backward()` work: loading this loads the pass.
import './backward.js';
import type { Tensor } from '../tensor.js';
import type { GradNode } from './node.js';

/**
 * Attaches a gradient rule to an op's output when recording is on and an input needs
 * gradients; otherwise returns the output untouched (so inference pays nothing).
 */
export function record(output: Tensor, op: string, inputs: readonly Tensor[], backward: GradNode['backward']): Tensor {
  if (!engine.gradEnabled) return output;
  let needed = false;
  for (const input of inputs) {
    if (input.requiresGrad) {
      needed = true;
      break;
    }
  }
  if (!needed) return output;
  output.requiresGrad = true;
  output.node = { op, inputs, backward, scope: engine.scope };
  return output;
}
