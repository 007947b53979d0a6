import type { Kind } from './kinds.js';

/**
 * Ids that are known to the compiler, one key per `kind:id`.
 *
 * Packages augment it so that ids they register type-check wherever an id is expected. A package
 * derives the keys from its entry list (declared so the ids stay literal types), never repeating
 * the ids by hand:
 *
 * ```ts
 * export const entries = [{ id: 'acme/swish', ... }] as const satisfies readonly ActivationEntry[];
 * declare module '@keel/registry' {
 *   interface RegisteredIds extends IdKeys<'activation', IdsOf<typeof entries>> {}
 * }
 * ```
 *
 * or writes one key per id: `interface RegisteredIds { 'activation:acme/swish': true }`.
 * One key per id (instead of one property per kind) lets any number of packages
 * add ids to the same kind: interface merging unions keys (and `extends` clauses), not property types.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by module augmentation
export interface RegisteredIds {}

/** The union of ids the compiler knows for kind `K`. */
export type IdOf<K extends Kind> = {
  [P in keyof RegisteredIds]: P extends `${K}:${infer Id}` ? Id : never;
}[keyof RegisteredIds];

/** The ids of a list of entries declared with literal ids (`as const satisfies readonly Entry[]`): a union such as `'sgd' | 'adam'`. */
export type IdsOf<L extends readonly { readonly id: string }[]> = L[number]['id'];

/** The `RegisteredIds` keys of ids `Id` of kind `K`: `interface RegisteredIds extends IdKeys<'loss', 'huber' | 'hinge'> {}`. */
export type IdKeys<K extends string, Id extends string> = Record<`${K}:${Id}`, true>;

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
