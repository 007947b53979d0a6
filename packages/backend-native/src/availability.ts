import { addonOnce } from './addon.js';

export type NativeAvailability = { readonly available: true } | { readonly available: false; readonly reason: string };

/** Why 'native' cannot run here (e.g. the addon was not built), or undefined if it can. */
export function unavailableReason(): string | undefined {
  const { reason } = addonOnce();
  return reason === undefined ? undefined : `${reason} — using 'wasm' or 'js' instead`;
}

/** Whether the 'native' backend can run here, and if not, why. */
export function nativeAvailability(): NativeAvailability {
  const reason = unavailableReason();
  return reason === undefined ? { available: true } : { available: false, reason };
}
