// model.json's fields, each checked for its type and range, with the path of the field at fault:
// an edited file is either what Keel wrote or an error, never a silently different model.
import { MAX_DIM } from '@keel/layers';
import { describeValue, nearestId } from '@keel/registry';

/** Reports a problem in model.json (never returns). */
export type Bad = (message: string) => never;

/** model.json's top-level fields. */
export const DOCUMENT_KEYS = ['format', 'formatVersion', 'producer', 'dtype', 'model', 'weights', 'preprocessing', 'optimizer', 'training'] as const;
const MODEL_KEYS = ['format', 'formatVersion', 'name', 'seed', 'inputShape', 'requires', 'layers'];
const REQUIRE_KEYS = ['kind', 'id', 'plugin', 'version'];
const LAYER_KEYS = ['type', 'name', 'config'];
const OPTIMIZER_KEYS = ['id', 'plugin', 'version', 'config', 'state'];

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An unknown field is an error naming it, the nearest valid one and the valid list. */
export function checkKeys(record: Record<string, unknown>, path: string, valid: readonly string[], bad: Bad): void {
  for (const key of Object.keys(record)) {
    if (valid.includes(key)) continue;
    const near = nearestId(key, valid);
    const at = path === '' ? key : `${path}.${key}`;
    bad(`unknown field ${at}${near === undefined ? '' : `; did you mean ${path === '' ? near : `${path}.${near}`}?`} (valid: ${valid.join(', ')})`);
  }
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

/** `field is <value>; expected <what>` unless `ok`. */
function expect(ok: boolean, path: string, value: unknown, what: string, bad: Bad): void {
  if (!ok) bad(`${path} is ${value === undefined ? 'missing' : describeValue(value)}; expected ${what}`);
}

export function checkFormatVersion(value: unknown, current: number, bad: Bad): void {
  if (typeof value === 'string') bad(`formatVersion is ${describeValue(value)} (a string); expected the number ${current}`);
  expect(Number.isInteger(value) && (value as number) >= 1, 'formatVersion', value, `the number ${current}`, bad);
}

/** The layers' config (`model`): what modelFromConfig reads; each layer's own config is checked by its layer type. */
export function checkModelSection(model: Record<string, unknown>, bad: Bad): void {
  checkKeys(model, 'model', MODEL_KEYS, bad);
  expect(model.format === 'keel.sequential', 'model.format', model.format, "'keel.sequential'", bad);
  expect(model.formatVersion === 1, 'model.formatVersion', model.formatVersion, 'the number 1', bad);
  expect(nonEmptyString(model.name), 'model.name', model.name, 'a non-empty string', bad);
  expect(Number.isSafeInteger(model.seed), 'model.seed', model.seed, 'an integer', bad);
  const shapeOk = model.inputShape === null || (Array.isArray(model.inputShape) && model.inputShape.every((d) => Number.isInteger(d) && (d as number) >= 1 && (d as number) <= MAX_DIM));
  expect(shapeOk, 'model.inputShape', model.inputShape, `a list of positive integers up to ${MAX_DIM}, or null`, bad);
  if (!Array.isArray(model.requires)) return expect(false, 'model.requires', model.requires, 'a list of { kind, id, plugin, version }', bad);
  model.requires.forEach((r, i) => {
    const path = `model.requires[${i}]`;
    if (!isRecord(r)) return expect(false, path, r, '{ kind, id, plugin, version }', bad);
    checkKeys(r, path, REQUIRE_KEYS, bad);
    for (const key of REQUIRE_KEYS) expect(nonEmptyString(r[key]), `${path}.${key}`, r[key], 'a non-empty string', bad);
  });
  if (!Array.isArray(model.layers)) return expect(false, 'model.layers', model.layers, 'a list of { type, name, config }', bad);
  const names = new Map<string, number>();
  model.layers.forEach((layer, i) => {
    const path = `model.layers[${i}]`;
    if (!isRecord(layer)) return expect(false, path, layer, '{ type, name, config }', bad);
    checkKeys(layer, path, LAYER_KEYS, bad);
    expect(nonEmptyString(layer.type), `${path}.type`, layer.type, "a layer type id such as 'dense'", bad);
    expect(nonEmptyString(layer.name), `${path}.name`, layer.name, 'a non-empty string', bad);
    expect(isRecord(layer.config), `${path} (${String(layer.name)}).config`, layer.config, 'an object of the layer’s options', bad);
    const name = layer.name as string;
    if (names.has(name)) bad(`${path}.name is '${name}', the name of model.layers[${names.get(name)!}] too; layer names must be unique (they name the weights)`);
    names.set(name, i);
  });
}

/** The optimizer section, except the state file's name (checked with the other file names). */
export function checkOptimizerSection(o: Record<string, unknown>, bad: Bad): void {
  checkKeys(o, 'optimizer', OPTIMIZER_KEYS, bad);
  expect(nonEmptyString(o.id), 'optimizer.id', o.id, "an optimizer id such as 'adam'", bad);
  if ((o.plugin === undefined) !== (o.version === undefined)) bad('optimizer.plugin and optimizer.version must be given together (or neither)');
  if (o.plugin !== undefined) expect(nonEmptyString(o.plugin), 'optimizer.plugin', o.plugin, 'a package name', bad);
  if (o.version !== undefined) expect(nonEmptyString(o.version), 'optimizer.version', o.version, 'a version', bad);
  if (o.config !== undefined) expect(isRecord(o.config), 'optimizer.config', o.config, 'an object of the optimizer’s settings', bad);
}

/** Where training stood: epoch and step are counts, seed an integer; anything else is the trainer's own. */
export function checkTrainingSection(training: unknown, bad: Bad): void {
  if (!isRecord(training)) return expect(false, 'training', training, 'an object such as { epoch, step, seed }', bad);
  for (const key of ['epoch', 'step']) {
    if (training[key] !== undefined) expect(Number.isSafeInteger(training[key]) && (training[key] as number) >= 0, `training.${key}`, training[key], 'a whole number >= 0', bad);
  }
  if (training.seed !== undefined) expect(Number.isSafeInteger(training.seed), 'training.seed', training.seed, 'an integer', bad);
}
