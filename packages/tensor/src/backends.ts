import type { Registry } from '@keel/registry';
import { engine } from './engine.js';
import { installTensorPlugin } from './plugin.js';

/** Makes the named backend current; tensors created afterwards live there. */
export function setBackend(name: string): void {
  engine.setBackend(engine.backendNamed(name));
}

/** The name of the current backend. */
export function getBackend(): string {
  return engine.backend.name;
}

/** Registered backend names. */
export function listBackends(): string[] {
  installTensorPlugin(engine.registry);
  return engine.registry.list('backend');
}

/** Why a registered backend cannot run here, or undefined if it can. */
export function backendUnavailableReason(name: string): string | undefined {
  try {
    engine.backendNamed(name);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** The highest-priority backend that starts here ('js' at worst). */
export function bestBackend(): string {
  installTensorPlugin(engine.registry);
  const entries = engine.registry.list('backend').map((id) => engine.registry.resolve('backend', id));
  entries.sort((a, b) => b.priority - a.priority);
  for (const entry of entries) if (backendUnavailableReason(entry.id) === undefined) return entry.id;
  return 'js';
}

/**
 * Takes kernels and backends from `registry` instead of the default one (installing the 'js'
 * backend there). Tests use it to stay isolated; returns the previous registry.
 */
export function useRegistry(registry: Registry): Registry {
  const previous = engine.registry;
  installTensorPlugin(registry);
  engine.setRegistry(registry);
  return previous;
}
