/**
 * A fingerprint of what a saved model computes (model.json's layers, dtype and preprocessing),
 * kept in weights.safetensors' metadata. Some edits to model.json fit the weights but run another
 * network (a conv and a pooling layer swapped: pooling has no weights; another activation); the
 * fingerprint tells them apart. Files saved before fingerprints existed have none and still load.
 * The optimizer section (id, config) is recorded too: nothing reads it back on resume (the run's
 * own settings do), so an edit there would be silently ignored; it is refused instead.
 */
import type { ModelConfig } from '@keel/layers';
import type { DType } from '@keel/tensor';
import { ModelFileError } from './errors.js';
import { sha256Hex } from './sha256.js';
import type { JsonValue } from './state.js';

/** The whole architecture: sha-256 of the canonical JSON of { dtype, model, preprocessing }. */
export const ARCHITECTURE_KEY = 'keel.architecture';
/** One short hash per layer (type, name, config), to name the layers that changed. */
export const LAYERS_KEY = 'keel.layers';

/** model.json's optimizer section as saved: canonical JSON of { id, config } (or null without one). */
export const OPTIMIZER_KEY = 'keel.optimizer';

interface Fingerprinted {
  readonly dtype: DType;
  readonly model: ModelConfig;
  readonly preprocessing?: JsonValue;
  readonly optimizer?: { readonly id: string; readonly config?: JsonValue };
}

/** JSON with object keys sorted, so the same content always gives the same text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function layerHashes(model: ModelConfig): string[] {
  return model.layers.map((layer) => sha256Hex(canonical({ type: layer.type, name: layer.name, config: layer.config })).slice(0, 16));
}

function architectureHash(doc: Fingerprinted): string {
  return `sha256:${sha256Hex(canonical({ dtype: doc.dtype, model: doc.model, preprocessing: doc.preprocessing ?? null }))}`;
}

function optimizerRecord(doc: Fingerprinted): string {
  return canonical(doc.optimizer === undefined ? null : { id: doc.optimizer.id, config: doc.optimizer.config ?? {} });
}

/** The metadata entries that record `doc`'s fingerprint. */
export function fingerprintMetadata(doc: Fingerprinted): Record<string, string> {
  return { [ARCHITECTURE_KEY]: architectureHash(doc), [LAYERS_KEY]: JSON.stringify(layerHashes(doc.model)), [OPTIMIZER_KEY]: optimizerRecord(doc) };
}

/** What changed, as far as the per-layer hashes tell. */
function changedParts(doc: Fingerprinted, savedLayers: string | undefined): string {
  let saved: unknown;
  try {
    saved = savedLayers === undefined ? undefined : JSON.parse(savedLayers);
  } catch {
    saved = undefined;
  }
  if (!Array.isArray(saved)) return 'the layers, dtype or preprocessing';
  const now = layerHashes(doc.model);
  if (saved.length !== now.length) return `the weights were saved with ${saved.length} layers, model.json has ${now.length}`;
  const changed = now.flatMap((hash, i) => (hash === saved[i] ? [] : [`${i} (${doc.model.layers[i].name})`]));
  if (changed.length > 0) return `layer${changed.length === 1 ? '' : 's'} ${changed.join(', ')}`;
  return "not the layers: the model's name, seed, input shape, dtype or preprocessing";
}

/**
 * Throws when weights saved for one architecture are loaded with another model.json. `where`
 * names model.json in the message; `weightsFile` names the weights file.
 */
export function checkFingerprint(doc: Fingerprinted, metadata: Readonly<Record<string, string>>, where: string, weightsFile: string): void {
  const saved = metadata[ARCHITECTURE_KEY];
  if (saved === undefined || saved === architectureHash(doc)) return;
  throw new ModelFileError(
    `does not match ${weightsFile}: the architecture or preprocessing was changed after the weights were saved (${changedParts(doc, metadata[LAYERS_KEY])}); ` +
      'restore the model.json saved with these weights, or train a new model',
    where,
  );
}

function shown(value: unknown): string {
  return value === undefined ? 'absent' : typeof value === 'string' ? `'${value}'` : canonical(value);
}

/** The optimizer fields that differ, as "optimizer.config.lr is 5 (saved: 0.01)". */
function optimizerChanges(saved: unknown, now: unknown): string {
  const record = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  const [s, n] = [record(saved), record(now)];
  const changes: string[] = [];
  if (canonical(s.id) !== canonical(n.id)) changes.push(`optimizer.id is ${shown(n.id)} (saved: ${shown(s.id)})`);
  const [sc, nc] = [record(s.config), record(n.config)];
  for (const key of new Set([...Object.keys(sc), ...Object.keys(nc)])) {
    if (canonical(sc[key]) !== canonical(nc[key])) changes.push(`optimizer.config.${key} is ${shown(nc[key])} (saved: ${shown(sc[key])})`);
  }
  return changes.length > 0 ? changes.join(', ') : 'the optimizer section';
}

/**
 * Throws when model.json's optimizer section (id, config) differs from the one saved with the
 * weights. Files saved before this record existed have none and still load. A section removed or
 * added is not judged here: whoever resumes says what a run without saved optimizer settings
 * needs (the CLI asks for --reset-optimizer).
 */
export function checkOptimizerFingerprint(doc: Fingerprinted, metadata: Readonly<Record<string, string>>, where: string, weightsFile: string): void {
  const saved = metadata[OPTIMIZER_KEY];
  const now = optimizerRecord(doc);
  if (saved === undefined || saved === now || saved === 'null' || doc.optimizer === undefined) return;
  let savedValue: unknown;
  try {
    savedValue = JSON.parse(saved);
  } catch {
    savedValue = undefined;
  }
  throw new ModelFileError(
    `does not match ${weightsFile}: the optimizer was changed after the weights were saved (${optimizerChanges(savedValue, JSON.parse(now))}); ` +
      'restore the model.json saved with these weights; to train on with other optimizer settings, pass them when resuming (the saved state belongs to the saved optimizer)',
    where,
  );
}
