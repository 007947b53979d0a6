// The save and load functions called with wrong arguments (issue #19's sweep): each names the
// function and the argument, instead of "Cannot read properties of null (reading 'built')", Node's
// 'The "paths[0]" argument must be of type string', or a misspelt extras key dropped silently.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, makeDirectory, recoverModelDirectory, saveModel } from '../src/node/index.js';
import {
  decodeSafetensors,
  deleteModelFromIndexedDB,
  deserializeModel,
  encodeModelBundle,
  encodeSafetensors,
  loadModelFromBundle,
  loadModelFromIndexedDB,
  modelBundleFileName,
  modelDownloadBlob,
  parseModelJson,
  saveModelToIndexedDB,
  serializeModel,
} from '../src/save/index.js';
import { freshRegistry, rejected, thrown, xorModel } from './helpers.js';

const built = () => xorModel(1, freshRegistry()).build();
const SEQUENTIAL = 'must be the Sequential to save, got';
const REGISTRY = 'must be a Registry (from @keel/registry) with every plugin the model needs, or left out for the default one, got';

type Case = readonly [string, () => unknown, string | RegExp];

/** Sync throws and rejections alike: the checks run before the first await. */
async function failure(fn: () => unknown): Promise<Error> {
  return rejected(Promise.resolve().then(fn));
}

function expectMessage(error: Error, expected: string | RegExp): void {
  if (typeof expected === 'string') expect(error.message).toBe(expected);
  else expect(error.message).toMatch(expected);
}

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keel-save-arguments-'));
  await saveModel(built(), join(dir, 'saved'));
});
afterAll(async () => {
  const { rm } = await import('node:fs/promises');
  await rm(dir, { recursive: true, force: true });
});

describe('the in-memory save functions', () => {
  const cases: Case[] = [
    ['serializeModel(null)', () => serializeModel(null as never), `serializeModel(model) ${SEQUENTIAL} null`],
    ['serializeModel(data)', () => serializeModel({ length: 4 } as never), `serializeModel(model) ${SEQUENTIAL} an object with keys length`],
    ['serializeModel extras 5', () => serializeModel(built(), 5 as never), 'serializeModel(model, extras): the options are 5; expected an object of options'],
    ['serializeModel extras with a typo', () => serializeModel(built(), { preprocesing: { kind: 'x' } } as never), /^serializeModel\(model, extras\): has no option 'preprocesing'; did you mean 'preprocessing'\?/],
    ['serializeModel optimizer 5', () => serializeModel(built(), { optimizer: 5 } as never), /^serializeModel\(model, extras\): optimizer is 5; expected \{ id, config, state \}/],
    ['encodeModelBundle(undefined)', () => encodeModelBundle(undefined as never), `encodeModelBundle(model) ${SEQUENTIAL} undefined`],
    ['modelBundleFileName(5)', () => modelBundleFileName(5 as never), `modelBundleFileName(model) ${SEQUENTIAL} the number 5`],
    ['modelDownloadBlob(null)', () => modelDownloadBlob(null as never), `modelDownloadBlob(model) ${SEQUENTIAL} null`],
    ['encodeSafetensors(null)', () => encodeSafetensors(null as never), 'encodeSafetensors(tensors) must be a Map from names to { dtype, shape, values }, got null'],
    ['encodeSafetensors of an object', () => encodeSafetensors({ w: 1 } as never), 'encodeSafetensors(tensors) must be a Map from names to { dtype, shape, values }, got an object with keys w'],
    ['encodeSafetensors of a number tensor', () => encodeSafetensors(new Map([['w', 5]]) as never), "safetensors: tensor 'w' is the number 5; expected { dtype, shape, values } (a Tensor is one)"],
    ['encodeSafetensors metadata 5', () => encodeSafetensors(new Map(), 5 as never), 'encodeSafetensors(tensors, metadata) must be an object of strings, or left out, got the number 5'],
  ];
  it.each(cases)('%s', (_, fn, expected) => expectMessage(thrown(fn), expected));
});

describe('the in-memory load functions', () => {
  const files = () => serializeModel(built()).files;
  const cases: Case[] = [
    ['deserializeModel(null)', () => deserializeModel(null as never), "deserializeModel(files) must be the saved files by name ({ 'model.json': bytes, ... }, as serializeModel returns them), got null"],
    ['deserializeModel registry 5', () => deserializeModel(files(), 5 as never), `deserializeModel(files, registry) ${REGISTRY} the number 5`],
    ['deserializeModel options 5', () => deserializeModel(files(), freshRegistry(), 5 as never), 'deserializeModel: the options are 5; expected an object of options'],
    ['deserializeModel optimizer "no"', () => deserializeModel(files(), freshRegistry(), { optimizer: 'no' } as never), "deserializeModel: optimizer is 'no'; expected true or false"],
    ['parseModelJson(null)', () => parseModelJson(null as never), 'parseModelJson(text) must be the text of model.json, a non-empty string, got null'],
    ['loadModelFromBundle(null)', () => loadModelFromBundle(null as never), 'loadModelFromBundle(bytes) must be the bytes of a model bundle file, a Uint8Array or an ArrayBuffer, got null'],
    ["loadModelFromBundle('x')", () => loadModelFromBundle('x' as never), "loadModelFromBundle(bytes) must be the bytes of a model bundle file, a Uint8Array or an ArrayBuffer, got the string 'x'"],
    ['loadModelFromBundle registry {}', () => loadModelFromBundle(encodeModelBundle(built()), {} as never), `loadModelFromBundle(bytes, registry) ${REGISTRY} an empty object`],
    ['decodeSafetensors([1, 2])', () => decodeSafetensors([1, 2] as never), 'decodeSafetensors(input) must be the bytes of a safetensors file, a Uint8Array or an ArrayBuffer, got an array of 2'],
  ];
  it.each(cases)('%s', (_, fn, expected) => expectMessage(thrown(fn), expected));
});

describe('the directory and IndexedDB functions', () => {
  const cases: Case[] = [
    ['saveModel(null, dir)', () => saveModel(null as never, join(dir, 'a')), `saveModel(model) ${SEQUENTIAL} null`],
    ['saveModel(model, 5)', () => saveModel(built(), 5 as never), 'saveModel(model, dir) must be the path of the model directory, a non-empty string, got the number 5'],
    ['saveModel extras with a typo', () => saveModel(built(), join(dir, 'b'), { trainng: {} } as never), /^saveModel\(model, dir, extras\): has no option 'trainng'; did you mean 'training'\?/],
    ['saveModel options 5', () => saveModel(built(), join(dir, 'c'), {}, 5 as never), 'saveModel: the options are 5; expected an object of options'],
    ['loadModel(null)', () => loadModel(null as never), 'loadModel(dir) must be the path of a model directory or bundle file, a non-empty string, got null'],
    ['loadModel registry 5', () => loadModel(join(dir, 'saved'), 5 as never), `loadModel(dir, registry) ${REGISTRY} the number 5`],
    ['loadModel options with a typo', () => loadModel(join(dir, 'saved'), freshRegistry(), { optimiser: false } as never), /^loadModel: has no option 'optimiser'; did you mean 'optimizer'\?/],
    ['recoverModelDirectory(5)', () => recoverModelDirectory(5 as never), 'recoverModelDirectory(dir) must be the path of a model directory, a non-empty string, got the number 5'],
    ['makeDirectory(undefined)', () => makeDirectory(undefined as never), 'makeDirectory(path) must be the path of the directory to create, a non-empty string, got undefined'],
    ['saveModelToIndexedDB(null)', () => saveModelToIndexedDB(null as never, 'k'), `saveModelToIndexedDB(model) ${SEQUENTIAL} null`],
    ['saveModelToIndexedDB key 5', () => saveModelToIndexedDB(built(), 5 as never), 'saveModelToIndexedDB(key) must be the key the model is saved under, a non-empty string, got the number 5'],
    ['loadModelFromIndexedDB options with a typo', () => loadModelFromIndexedDB('k', freshRegistry(), { storename: 'x' } as never), /^loadModelFromIndexedDB: has no option 'storename'; did you mean 'storeName'\?/],
    ['deleteModelFromIndexedDB()', () => deleteModelFromIndexedDB(undefined as never), 'deleteModelFromIndexedDB(key) must be the key the model is saved under, a non-empty string, got undefined'],
  ];
  it.each(cases)('%s', async (_, fn, expected) => expectMessage(await failure(fn), expected));

  it('a good save still loads', async () => {
    const { model } = await loadModel(join(dir, 'saved'), freshRegistry());
    expect(model.built).toBe(true);
  });
});
