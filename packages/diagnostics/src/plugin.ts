import { definePlugin, type IdKeys, type IdsOf, type Registry, defaultRegistry } from '@keel/registry';
import { installTrain, type CallbackEntry } from '@keel/train';
import { doctor, type Doctor } from './doctor.js';
import { PACKAGE_NAME, VERSION } from './version.js';

// The id stays a literal type: the `RegisteredIds` key below is derived from it.
const callbacks = [
  {
    id: 'doctor',
    description: 'the training doctor: watches gradients, updates, dead/saturated units and the loss, and explains NaNs',
    create: (config): Doctor => doctor(config),
  },
] as const satisfies readonly CallbackEntry[];

/** @keel/diagnostics' plugin: the 'doctor' callback, so configs and the CLI can ask for it by id. */
export const diagnosticsPlugin = definePlugin({ name: PACKAGE_NAME, version: VERSION, provides: { callback: callbacks } });

/** Installs training (layers, losses, optimizers, metrics, callbacks) and the doctor callback into a registry. */
export function installDiagnostics(registry: Registry = defaultRegistry): Registry {
  installTrain(registry);
  registry.use(diagnosticsPlugin);
  return registry;
}

declare module '@keel/registry' {
  interface RegisteredIds extends IdKeys<'callback', IdsOf<typeof callbacks>> {}
}
