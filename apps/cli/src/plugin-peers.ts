// --plugin modules get this keel's Keel for the @keel/* packages they list as peerDependencies,
// wherever they are installed: see peer-hooks.ts, which runs in Node's module hooks thread.
import { register } from 'node:module';
import type { PeerHooksData } from './peer-hooks.js';

let registered = false;

/** Registers the resolve hook of peer-hooks.ts, once per process, before any plugin is imported. */
export function providePeersToPlugins(): void {
  if (registered) return;
  registered = true;
  const data: PeerHooksData = { keelUrl: import.meta.url };
  register(new URL('./peer-hooks.js', import.meta.url), { data });
}
