import { Registry } from './registry.js';
import { VERSION } from './version.js';

/** A copy of @keel/registry that has been loaded into this process. */
export interface LoadedCopy {
  /** The module URL the copy was loaded from. */
  readonly url: string;
  /** The package version of that copy. */
  readonly version: string;
}

// Keys on globalThis are shared by every copy of this package in the process, so two
// copies (say, two versions under different node_modules) find each other here.
const COPIES = Symbol.for('@keel/registry:copies');
const DEFAULT = Symbol.for('@keel/registry:default');
const REPORTED_BY_APP = Symbol.for('@keel/registry:copies-reported-by-app');

type Shared = Record<symbol, unknown>;
const shared = globalThis as unknown as Shared;

const copies = (shared[COPIES] ??= []) as LoadedCopy[];
copies.push({ url: import.meta.url, version: VERSION });

if (copies.length > 1 && shared[REPORTED_BY_APP] !== true) {
  const where = copies.map((copy) => `  - ${copy.version} at ${copy.url}`).join('\n');
  const message =
    `@keel/registry is loaded ${copies.length} times in this process:\n${where}\n` +
    'They share one default registry, but their classes differ (instanceof checks fail across copies). ' +
    'A plugin usually brings the second copy: list @keel/* under peerDependencies in its package.json (not dependencies), ' +
    "so it uses the app's Keel; otherwise deduplicate (e.g. `npm dedupe`) so only one copy is installed.";
  const proc = (globalThis as { process?: { emitWarning?: (message: string, type: string) => void } }).process;
  if (typeof proc?.emitWarning === 'function') proc.emitWarning(message, 'KeelDuplicateRegistry');
  else console.warn(message);
}

/**
 * For an app that checks `loadedCopies()` itself and explains a second copy in its own words
 * (the CLI, after each --plugin): no warning is printed when one loads.
 */
export function reportCopiesInApp(): void {
  shared[REPORTED_BY_APP] = true;
}

/** Every copy of @keel/registry loaded so far in this process (normally exactly one). */
export function loadedCopies(): readonly LoadedCopy[] {
  return copies;
}

/**
 * The process-wide registry Keel's packages install their plugins into when imported
 * through the umbrella package. Shared by all copies of @keel/registry, never split.
 */
export const defaultRegistry = (shared[DEFAULT] ??= new Registry({ name: 'the default registry' })) as Registry;
