import { defaultRegistry } from '@keel/registry';
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

// the same backend-vs-js helpers every backend's tests use (@keel/testkit)
export { compareValues as close, onBackend as on } from '@keel/testkit';

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
