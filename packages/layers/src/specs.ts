import type { IdOf } from '@keel/registry';

/** An activation by id (`'relu'`) or with its config (`{ id: 'leakyRelu', alpha: 0.2 }`). */
export type ActivationSpec = IdOf<'activation'> | { readonly id: IdOf<'activation'>; readonly [option: string]: string | number | boolean };

/** An initializer by id (`'heNormal'`) or with its config (`{ id: 'constant', value: 0.1 }`). */
export type InitializerSpec = IdOf<'initializer'> | { readonly id: IdOf<'initializer'>; readonly [option: string]: string | number };

export function specId(spec: ActivationSpec | InitializerSpec): string {
  return typeof spec === 'string' ? spec : spec.id;
}
