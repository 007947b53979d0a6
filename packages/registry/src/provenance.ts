// Only the three functions used, so a browser bundle does not carry all of semver.
import lessThan from 'semver/functions/lt.js';
import satisfies from 'semver/functions/satisfies.js';
import validVersion from 'semver/functions/valid.js';
import type { Registry } from './registry.js';

// A saved model names, for every id it uses, the package (and version) whose code computed it.
// Loading it with another package's entry under the same id, or an incompatible version, would
// run different code on the same weights: that is an error unless the user opts out.

/** One id a saved artefact used, with the plugin that provided it then. */
export interface Provenance {
  readonly kind: string;
  readonly id: string;
  /** The providing package's name ('@keel/activations', '@acme/snake'). */
  readonly plugin: string;
  readonly version: string;
}

/** How a recorded provenance compares with what the registry provides now. */
export type ProvenanceFinding =
  | { readonly status: 'same' }
  | { readonly status: 'newer'; readonly note: string }
  | { readonly status: 'other-package' | 'incompatible-version'; readonly problem: string };

/** A saved artefact whose ids are provided by other packages, or incompatible versions, than it was made with. */
export class ProvenanceError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`${problems.join('; ')}. ${provenanceAdvice('{ ignoreProvenance: true }')}`);
    this.name = 'ProvenanceError';
    this.problems = problems;
  }
}

/** What to do about a mismatch; `optOut` is how the reader's user skips the check (an option, a flag). */
export function provenanceAdvice(optOut: string): string {
  return `The same weights would run through other code: install the package(s) it was saved with and use their plugin, or, if you know the code agrees, load anyway with ${optOut}`;
}

/**
 * Compares one recorded id with the entry `registry` has for it now (which must exist). Versions
 * compare as npm's caret ranges do: 1.4.0 after 1.2.0 is compatible, 2.0.0 is not, and under
 * 1.0.0 every minor is a break; a version that is not semver must match exactly.
 */
export function compareProvenance(recorded: Provenance, registry: Registry): ProvenanceFinding {
  const now = registry.describe(recorded.kind, recorded.id).plugin;
  const what = `${recorded.kind} '${recorded.id}' was saved from ${recorded.plugin}@${recorded.version}`;
  if (now.name !== recorded.plugin) {
    return { status: 'other-package', problem: `${what}, but here it comes from ${now.name}@${now.version}` };
  }
  if (now.version === recorded.version) return { status: 'same' };
  const saved = validVersion(recorded.version);
  const installed = validVersion(now.version);
  if (saved !== null && installed !== null && satisfies(installed, `^${saved}`)) {
    return { status: 'newer', note: `${what} and loads with ${now.version}, a newer compatible version` };
  }
  const older = saved !== null && installed !== null && lessThan(installed, saved);
  return {
    status: 'incompatible-version',
    problem: `${what}, but ${now.version} is installed (${older ? 'older than' : 'not compatible with'} ${recorded.version})`,
  };
}

/**
 * Checks every recorded id (each must be registered: report missing ones first). Throws a
 * ProvenanceError naming each mismatch; returns a note per id that loads with a newer compatible
 * version.
 */
export function checkProvenance(recorded: readonly Provenance[], registry: Registry): string[] {
  const notes: string[] = [];
  const problems: string[] = [];
  for (const entry of recorded) {
    const finding = compareProvenance(entry, registry);
    if (finding.status === 'newer') notes.push(finding.note);
    else if (finding.status !== 'same') problems.push(finding.problem);
  }
  if (problems.length > 0) throw new ProvenanceError(problems);
  return notes;
}
