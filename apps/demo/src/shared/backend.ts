// Picks the tensor backend: the WebAssembly SIMD backend when the browser can run it, else the
// pure-JavaScript 'js' one, and says which and why, for the page to show.
import { installWasmBackend, wasmReady, wasmThreads } from '@keel/backend-wasm';
import { defaultRegistry } from '@keel/registry';
import { getBackend, setBackend } from '@keel/tensor';
import { installTrain } from '@keel/train';
import { messageOf } from './errors.js';

export type BackendPreference = 'auto' | 'wasm' | 'js';

export interface BackendChoice {
  readonly name: string;
  /** Why the preferred backend was not used, or why 'wasm' runs on fewer threads than it asked for. */
  readonly note?: string;
  /** Threads the wasm backend splits large kernels across (1 without cross-origin isolation). */
  readonly threads?: number;
}

/** Installs Keel into the default registry and makes the preferred backend current. */
export async function chooseBackend(preference: BackendPreference): Promise<BackendChoice> {
  installTrain(defaultRegistry);
  installWasmBackend(defaultRegistry);
  if (preference === 'js') {
    setBackend('js');
    return { name: getBackend() };
  }
  try {
    // Browsers refuse to compile the kernels synchronously on the main thread: compile first.
    await wasmReady();
    setBackend('wasm');
    const threads = wasmThreads();
    return { name: getBackend(), threads: threads.active, ...(threads.reason !== undefined ? { note: threads.reason } : {}) };
  } catch (error) {
    setBackend('js');
    return { name: getBackend(), note: `wasm unavailable: ${messageOf(error)}` };
  }
}

/** Reads a backend preference from a string (a URL parameter, a select). */
export function parseBackend(value: string | null): BackendPreference {
  return value === 'wasm' || value === 'js' ? value : 'auto';
}

/** 'wasm · 2 threads', 'js': what the header badge says. */
export function describeBackend(choice: BackendChoice): string {
  return choice.threads !== undefined ? `${choice.name} · ${choice.threads} thread${choice.threads === 1 ? '' : 's'}` : choice.name;
}
