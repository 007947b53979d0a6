import { defaultRegistry } from '@keel/registry';
import { setBackend, type Tensor } from '@keel/tensor';
import { installWasmBackend, type WasmBackendOptions } from '../src/index.js';

/** Installs the 'wasm' backend into the default registry (options apply before its first use). */
export function install(options?: WasmBackendOptions): void {
  installWasmBackend(defaultRegistry, options);
}

/** Runs `fn` with `name` as the current backend, restoring 'js' after. */
export function on<T>(name: 'js' | 'wasm', fn: () => T): T {
  setBackend(name);
  try {
    return fn();
  } finally {
    setBackend('js');
  }
}

/** The largest |a − b| over two tensors' values, and whether all are within atol + rtol·|b|. */
export function close(a: Tensor, b: Tensor, rtol = 1e-4, atol = 1e-5): { ok: boolean; error: number } {
  const x = a.values;
  const y = b.values;
  if (x.length !== y.length) return { ok: false, error: Infinity };
  let error = 0;
  let ok = true;
  for (let i = 0; i < x.length; i++) {
    const d = Math.abs(x[i] - y[i]);
    if (!(d <= atol + rtol * Math.abs(y[i]))) ok = false;
    if (!(d <= error)) error = Number.isNaN(d) ? Infinity : d;
  }
  return { ok, error };
}

export const gc = (): void => {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect === undefined) throw new Error('run node with --expose-gc (the vitest config of @keel/backend-wasm sets it)');
  for (let i = 0; i < 3; i++) collect();
};
