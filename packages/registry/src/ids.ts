import type { Kind } from './kinds.js';

/**
 * Ids that are known to the compiler, one key per `kind:id`.
 *
 * Packages augment it so that ids they register type-check wherever an id is expected:
 *
 * ```ts
 * declare module '@keel/registry' {
 *   interface RegisteredIds { 'activation:acme/swish': true }
 * }
 * ```
 *
 * One key per id (instead of one property per kind) lets any number of packages
 * add ids to the same kind: interface merging unions keys, not property types.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by module augmentation
export interface RegisteredIds {}

/** The union of ids the compiler knows for kind `K`. */
export type IdOf<K extends Kind> = {
  [P in keyof RegisteredIds]: P extends `${K}:${infer Id}` ? Id : never;
}[keyof RegisteredIds];

/** A plain id (`relu`) or a namespaced one (`acme/swish`, `@acme/swish`). */
const ID_PATTERN = /^(?:@?[a-z0-9][a-z0-9._-]*\/)?[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function isValidId(id: string): boolean {
  return ID_PATTERN.test(id);
}

export function isNamespaced(id: string): boolean {
  return id.includes('/');
}

/** Keel's own packages may register plain ids; everyone else namespaces them. */
export function mayUsePlainIds(pluginName: string): boolean {
  return pluginName.startsWith('@keel/') || pluginName === 'keel';
}
