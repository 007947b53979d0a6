import { defaultRegistry } from '@keel/registry';
import { setBackend, type Tensor } from '@keel/tensor';
import { installNativeBackend, nativeAvailability } from '../src/index.js';

const availability = nativeAvailability();

/** Why the addon is unavailable (tests needing it skip, saying so in their title), or undefined. */
export const skipReason: string | undefined = availability.available ? undefined : availability.reason;

/** A describe title that carries the skip reason when there is one. */
export const titled = (title: string): string => (skipReason === undefined ? title : `${title} — skipped: ${skipReason}`);

/** Installs the 'native' backend into the default registry. */
export function install(): void {
  installNativeBackend(defaultRegistry);
}

/** Runs `fn` with `name` as the current backend, restoring 'js' after. */
export function on<T>(name: 'js' | 'native', fn: () => T): T {
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
    if (!(d <= atol + rtol * Math.abs(y[i])) && !(Number.isNaN(x[i]) && Number.isNaN(y[i]))) ok = false;
    if (!(d <= error) && !Number.isNaN(d)) error = d;
  }
  return { ok, error };
}

/** Same values bit for bit (NaN equal to NaN, -0 equal to +0). */
export function identical(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!(a[i] === b[i] || (Number.isNaN(a[i]) && Number.isNaN(b[i])))) return false;
  return true;
}
