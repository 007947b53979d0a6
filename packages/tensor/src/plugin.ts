import { definePlugin, type IdKeys, type Registry } from '@keel/registry';
import { kernelEntries, type BackendEntry } from './backend/backend.js';
import { jsBackend } from './backend/js-backend.js';
import { PACKAGE_NAME, VERSION } from './version.js';

const jsBackendEntry = {
  id: 'js',
  description: 'the reference backend: plain JavaScript over typed arrays, always available',
  priority: 0,
  create: () => jsBackend,
} as const satisfies BackendEntry;

declare module '@keel/registry' {
  // derived from the entry: its id is typed exactly when it is registered
  interface RegisteredIds extends IdKeys<'backend', typeof jsBackendEntry.id> {}
}

/** @keel/tensor's plugin: the 'js' backend and its kernels. */
export const tensorPlugin = definePlugin({
  name: PACKAGE_NAME,
  version: VERSION,
  provides: { backend: [jsBackendEntry], kernel: kernelEntries(jsBackend) },
});

/** Declares the 'backend' kind and installs the 'js' backend into a registry (idempotent). */
export function installTensorPlugin(registry: Registry): void {
  if (!registry.kinds().some((kind) => kind.name === 'backend')) {
    registry.defineKind({ name: 'backend', description: 'a tensor backend: where values live and kernels run' });
  }
  registry.use(tensorPlugin);
}
