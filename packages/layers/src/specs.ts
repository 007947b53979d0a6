import type { ActivationSpec } from '@keel/activations';
import type { InitializerSpec } from '@keel/initializers';

// One type per kind: the activation and initializer specs are @keel/activations' and
// @keel/initializers' own, re-exported, so a spec that one package accepts the other does too.
export type { ActivationSpec } from '@keel/activations';
export type { InitializerSpec } from '@keel/initializers';

export function specId(spec: ActivationSpec | InitializerSpec): string {
  return typeof spec === 'string' ? spec : spec.id;
}

