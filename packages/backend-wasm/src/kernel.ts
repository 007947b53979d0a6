import { tensorPlugin, type Attrs, type KernelFn, type Tensor } from '@keel/tensor';
import { wasmBackend, type WasmBackend } from './backend.js';

// How a 'wasm' kernel runs: float32 inputs in WebAssembly, anything else on the 'js' reference.

const jsKernels = new Map<string, KernelFn>(tensorPlugin.provides.kernel.map((entry) => [entry.id, entry.run]));

/** Runs the 'js' reference kernel and moves its result to the 'wasm' backend (float64, unusual layouts). */
export function reference(op: string, inputs: readonly Tensor[], attrs: Attrs): Tensor {
  const run = jsKernels.get(op);
  if (run === undefined) throw new Error(`wasm backend: no 'js' kernel '${op}' to fall back on`);
  return run(inputs, attrs).to(wasmBackend());
}

const allFloat32 = (inputs: readonly Tensor[]): boolean => inputs.every((t) => t.dtype === 'float32');

/** Runs `body` as one kernel call: inputs pinned while it runs, temporaries freed after. */
export function call(body: (backend: WasmBackend) => Tensor): Tensor {
  const backend = wasmBackend();
  backend.begin();
  try {
    return body(backend);
  } finally {
    backend.end();
  }
}

/**
 * A kernel that runs in WebAssembly for float32 inputs and on the 'js' reference otherwise (or
 * when `body` returns undefined: a layout it does not handle).
 */
export function kernel(op: string, body: (backend: WasmBackend, inputs: readonly Tensor[], attrs: Attrs) => Tensor | undefined): KernelFn {
  return (inputs, attrs) => {
    if (!allFloat32(inputs)) return reference(op, inputs, attrs);
    return call((backend) => body(backend, inputs, attrs) ?? reference(op, inputs, attrs));
  };
}
