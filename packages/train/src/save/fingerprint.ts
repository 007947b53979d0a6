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

/**
 * One short hash per field the architecture hash covers besides the layers (dtype, the model's
 * name, seed and input shape, each `model.requires` entry, each preprocessing field), to name the
 * field that changed. Files saved before it existed give the generic message.
 */
export const FIELDS_KEY = 'keel.fields';

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

function shortHash(value: unknown): string {
  return sha256Hex(canonical(value)).slice(0, 16);
}

function layerHashes(model: ModelConfig): string[] {
  return model.layers.map((layer) => shortHash({ type: layer.type, name: layer.name, config: layer.config }));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Objects nested this deep, or with more keys, are hashed whole (the metadata stays small whatever the preprocessing holds). */
const FIELD_DEPTH = 3;
const FIELD_KEYS = 64;

/** `path` -> value for every field under `value`, objects opened up to FIELD_DEPTH levels. */
function leaves(value: unknown, path: string, depth: number, into: Map<string, unknown>): void {
  if (isPlainObject(value) && depth < FIELD_DEPTH && Object.keys(value).length <= FIELD_KEYS) {
    for (const [key, v] of Object.entries(value)) if (v !== undefined) leaves(v, `${path}.${key}`, depth + 1, into);
  } else into.set(path, value);
}

/** A `model.requires` entry's key in the field record: `model.requires[activation acme/swish]`. */
function requireKey(r: { readonly kind?: unknown; readonly id?: unknown }): string {
  return `model.requires[${String(r.kind)} ${String(r.id)}]`;
}

/** Every field the architecture hash covers, but the layers, by path. */
function fieldValues(doc: Fingerprinted): Map<string, unknown> {
  const { layers: _layers, requires, ...model } = doc.model;
  const fields = new Map<string, unknown>([['dtype', doc.dtype]]);
  for (const [key, value] of Object.entries(model)) fields.set(`model.${key}`, value);
  for (const r of requires as readonly unknown[]) fields.set(requireKey(r as { kind?: unknown; id?: unknown }), r);
  if (doc.preprocessing !== undefined) leaves(doc.preprocessing, 'preprocessing', 0, fields);
  return fields;
}

function fieldHashes(doc: Fingerprinted): Record<string, string> {
  return Object.fromEntries([...fieldValues(doc)].map(([path, value]) => [path, shortHash(value)]));
}

function architectureHash(doc: Fingerprinted): string {
  return `sha256:${sha256Hex(canonical({ dtype: doc.dtype, model: doc.model, preprocessing: doc.preprocessing ?? null }))}`;
}

function optimizerRecord(doc: Fingerprinted): string {
  return canonical(doc.optimizer === undefined ? null : { id: doc.optimizer.id, config: doc.optimizer.config ?? {} });
}

/** The metadata entries that record `doc`'s fingerprint. */
export function fingerprintMetadata(doc: Fingerprinted): Record<string, string> {
  return {
    [ARCHITECTURE_KEY]: architectureHash(doc),
    [LAYERS_KEY]: JSON.stringify(layerHashes(doc.model)),
    [FIELDS_KEY]: JSON.stringify(fieldHashes(doc)),
    [OPTIMIZER_KEY]: optimizerRecord(doc),
  };
}

function parsed(text: string | undefined): unknown {
  try {
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A value as a message shows it: short ones in full, long ones by kind and size. */
function brief(value: unknown): string {
  const text = shown(value);
  if (text.length <= 80) return text;
  return Array.isArray(value) ? `a list of ${value.length}` : isPlainObject(value) ? `an object of ${Object.keys(value).length} fields` : `${text.slice(0, 60)}…`;
}

/** The fields that differ from the saved record, each named: "preprocessing.dataDir is '/b', not the value saved with the weights". */
function changedFields(doc: Fingerprinted, saved: Record<string, unknown>): string[] {
  const now = fieldValues(doc);
  const changes: string[] = [];
  for (const [path, value] of now) {
    const require = path.startsWith('model.requires[') ? (value as { kind: string; id: string; plugin: string; version: string }) : undefined;
    const what = require === undefined ? undefined : `model.requires' entry for ${require.kind} '${require.id}'`;
    if (!Object.hasOwn(saved, path)) changes.push(what === undefined ? `${path} was added (${brief(value)})` : `${what} (${require!.plugin}@${require!.version}) was added`);
    else if (saved[path] !== shortHash(value)) changes.push(what === undefined ? `${path} is ${brief(value)}, not the value saved with the weights` : `${what} is now ${require!.plugin}@${require!.version}, not the one saved with the weights`);
  }
  for (const path of Object.keys(saved)) {
    if (now.has(path)) continue;
    const entry = /^model\.requires\[(\S+) (.*)\]$/.exec(path);
    changes.push(entry === null ? `${path} was removed` : `model.requires' entry for ${entry[1]} '${entry[2]}' was removed`);
  }
  return changes;
}

/** What changed, as far as the per-layer and per-field hashes tell. */
function changedParts(doc: Fingerprinted, metadata: Readonly<Record<string, string>>): string {
  const saved = parsed(metadata[LAYERS_KEY]);
  if (!Array.isArray(saved)) return 'the layers, dtype or preprocessing';
  const now = layerHashes(doc.model);
  if (saved.length !== now.length) return `the weights were saved with ${saved.length} layers, model.json has ${now.length}`;
  const layers = now.flatMap((hash, i) => (hash === saved[i] ? [] : [`${i} (${doc.model.layers[i].name})`]));
  const changed = layers.length === 0 ? [] : [`layer${layers.length === 1 ? '' : 's'} ${layers.join(', ')}`];
  const savedFields = parsed(metadata[FIELDS_KEY]);
  if (isPlainObject(savedFields)) changed.push(...changedFields(doc, savedFields));
  if (changed.length > 0) return changed.join('; ');
  return "not the layers: the model's name, seed, input shape, requirements (model.requires), dtype or preprocessing";
}

/**
 * Throws when weights saved for one architecture are loaded with another model.json. `where`
 * names model.json in the message; `weightsFile` names the weights file.
 */
export function checkFingerprint(doc: Fingerprinted, metadata: Readonly<Record<string, string>>, where: string, weightsFile: string): void {
  const saved = metadata[ARCHITECTURE_KEY];
  if (saved === undefined || saved === architectureHash(doc)) return;
  throw new ModelFileError(
    `does not match ${weightsFile}: the architecture or preprocessing was changed after the weights were saved (${changedParts(doc, metadata)}); ` +
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
