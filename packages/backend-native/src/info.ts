import { addonOnce } from './addon.js';
import { getNativeThreads } from './threads.js';

export interface NativeInfo {
  /** The BLAS library's description (OpenBLAS: version, CPU target, thread limit); undefined when unavailable. */
  readonly blas: string | undefined;
  readonly threads: number;
}

/** What the addon runs on, for `keel plugins`-style listings and benchmark headers. */
export function nativeInfo(): NativeInfo {
  return { blas: addonOnce().addon?.blas(), threads: getNativeThreads() };
}
