import { tensorPlugin, type Attrs, type KernelFn, type Tensor } from '@keel/tensor';
import { nativeBackend, type NativeBackend } from '../backend.js';

const jsKernels = new Map<string, KernelFn>(tensorPlugin.provides.kernel.map((entry) => [entry.id, entry.run]));

/**
 * Runs the 'js' reference kernel of `op`. Both backends store plain typed arrays, so its result
 * becomes a 'native' tensor without a copy.
 */
export function reference(op: string, inputs: readonly Tensor[], attrs: Attrs): Tensor {
  const run = jsKernels.get(op);
  if (run === undefined) throw new Error(`native backend: no 'js' kernel '${op}' to fall back on`);
  return nativeBackend().adopt(run(inputs, attrs));
}

/** The op names of the 'js' reference kernels. */
export const referenceOps = (): string[] => [...jsKernels.keys()];

/** A kernel's float32 body; it returns undefined for a case it leaves to the reference. */
export type NativeBody = (backend: NativeBackend, inputs: readonly Tensor[], attrs: Attrs) => Tensor | undefined;

/** A kernel that runs in C for float32 inputs and on the 'js' reference otherwise (float64). */
export function kernel(op: string, body: NativeBody): KernelFn {
  return (inputs, attrs) => {
    for (const t of inputs) if (t.dtype !== 'float32') return reference(op, inputs, attrs);
    return body(nativeBackend(), inputs, attrs) ?? reference(op, inputs, attrs);
  };
}

/** The values of a float32 tensor, borrowed for the kernel call: its own storage on 'native' and 'js', a copy from other backends. */
export const f32 = (t: Tensor): Float32Array => t.borrowValues() as Float32Array;
