// Module resolve hooks (registered by plugin-peers.ts, run in Node's hooks thread): a module whose
// package lists @keel/<name> under peerDependencies gets the running keel's own copy of it. A
// plugin declares Keel as a peer so that whoever runs it provides Keel; a global keel running a
// plugin installed in a project would otherwise load the project's copy as well, and two copies
// of Keel cannot share tensors or entries. A version of the keel's copy outside the plugin's
// declared (semver) range is an error naming both. Dependencies (not peers) resolve as Node does.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import satisfies from 'semver/functions/satisfies.js';
import validRange from 'semver/ranges/valid.js';

/** What plugin-peers.ts passes: a module of the running keel, where its @keel/* resolve from. */
export interface PeerHooksData {
  readonly keelUrl: string;
}

interface Manifest {
  readonly path: string;
  readonly name?: string;
  readonly version?: string;
  readonly peerDependencies?: Readonly<Record<string, string>>;
}

type Resolved = { url: string; format?: string | null; shortCircuit?: boolean };
type Context = { parentURL?: string; conditions?: readonly string[]; importAttributes?: Record<string, string> };
type NextResolve = (specifier: string, context?: Context) => Resolved | Promise<Resolved>;

let keelUrl = '';
const manifests = new Map<string, Manifest | undefined>();

export function initialize(data: PeerHooksData): void {
  keelUrl = data.keelUrl;
}

/** The package.json nearest above `dir` (each directory read once). */
function manifestAbove(dir: string): Manifest | undefined {
  if (manifests.has(dir)) return manifests.get(dir);
  const path = join(dir, 'package.json');
  let manifest: Manifest | undefined;
  if (existsSync(path)) {
    try {
      manifest = { ...(JSON.parse(readFileSync(path, 'utf8')) as Omit<Manifest, 'path'>), path };
    } catch {
      manifest = undefined; // unreadable: Node's own resolution reports it if it matters
    }
  } else if (dirname(dir) !== dir) {
    manifest = manifestAbove(dirname(dir));
  }
  manifests.set(dir, manifest);
  return manifest;
}

export async function resolve(specifier: string, context: Context, nextResolve: NextResolve): Promise<Resolved> {
  const name = /^@keel\/[^/]+/.exec(specifier)?.[0];
  const parent = context.parentURL;
  if (name === undefined || parent === undefined || !parent.startsWith('file:') || keelUrl === '') return nextResolve(specifier, context);
  const importer = manifestAbove(dirname(fileURLToPath(parent)));
  const range = importer?.peerDependencies?.[name];
  if (importer === undefined || range === undefined) return nextResolve(specifier, context);
  let own: Resolved;
  try {
    own = await nextResolve(specifier, { ...context, parentURL: keelUrl });
  } catch {
    return nextResolve(specifier, context); // this keel has no such package: the importer's own
  }
  const provided = own.url.startsWith('file:') ? manifestAbove(dirname(fileURLToPath(own.url))) : undefined;
  const version = provided?.name === name ? provided.version : undefined;
  // A range that is not semver (file:, workspace:, a git URL) says where to install from, not which versions fit.
  if (version !== undefined && validRange(range) !== null && !satisfies(version, range, { includePrerelease: true })) {
    const who = importer.name ?? dirname(importer.path);
    throw new Error(
      `${who} needs ${name} ${range} (peerDependencies in ${importer.path}), but this keel runs ${name} ${version} (${dirname(provided!.path)}); ` +
        `use a keel whose Keel packages fit (npm install @keel/cli in the project, or a matching global one), or a version of ${who} made for ${name} ${version}`,
    );
  }
  return own;
}
