import { defaultRegistry } from '@keel/registry';
import { setBackend, type Tensor } from '@keel/tensor';
import type { NativeAddon } from '../src/addon.js';
import { installNativeBackend, nativeAvailability, nativeBackend } from '../src/index.js';

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

/**
 * Counts the addon's calls while `fn` runs, by swapping the backend's addon for a counting
 * wrapper: a kernel that fell back to the 'js' reference makes no call.
 */
export function addonCalls<T>(fn: () => T): { result: T; calls: Record<string, number> } {
  const backend = nativeBackend();
  const addon = backend.addon;
  const calls: Record<string, number> = {};
  // a plain object of wrappers: the addon's own properties are read-only, so no Proxy over it
  const counting = Object.fromEntries(
    Object.entries(addon).map(([name, method]) => [
      name,
      (...args: unknown[]): unknown => {
        calls[name] = (calls[name] ?? 0) + 1;
        return (method as (...a: unknown[]) => unknown)(...args);
      },
    ]),
  ) as unknown as NativeAddon;
  (backend as { addon: NativeAddon }).addon = counting;
  try {
    return { result: fn(), calls };
  } finally {
    (backend as { addon: NativeAddon }).addon = addon;
  }
}
