// A saved model loads only with the code it was saved with: every id's providing package and a
// compatible version, checked on load (issue #21: a plugin's relu saved, the built-in one loaded).
import { installActivations } from '@keel/activations';
import { Dense, installLayers, Sequential } from '@keel/layers';
import { definePlugin, ProvenanceError, Registry, type Plugin } from '@keel/registry';
import { optimizersPlugin, sgd } from '@keel/optimizers';
import { abs, type Tensor } from '@keel/tensor';
import { describe, expect, it } from 'vitest';
import { deserializeModel, ModelFileError, serializeModel } from '../src/save/index.js';

const meta = { gain: 1, recommendedInitializer: 'glorotUniform', outputRange: [0, Infinity], saturation: {}, kinks: [0] } as const;

/** A plugin replacing the built-in relu with |x| (a different function under the same id). */
function reluIsAbs(name: string, version: string): Plugin {
  return definePlugin({ name, version, provides: { activation: [{ id: 'relu', override: true, description: '|x|', forward: (x: Tensor) => abs(x), meta }] } });
}

function registryWith(...plugins: Plugin[]): Registry {
  const registry = new Registry({ name: 'test' });
  installActivations(registry);
  installLayers(registry);
  registry.use(optimizersPlugin);
  for (const plugin of plugins) registry.use(plugin);
  return registry;
}

function savedWith(registry: Registry): Record<string, Uint8Array> {
  const model = new Sequential([new Dense({ units: 3, activation: 'relu' }), new Dense({ units: 1 })], { inputShape: [2], registry, seed: 3 });
  model.build();
  return serializeModel(model, { optimizer: { id: 'sgd', config: { lr: 0.1 }, state: { step: 4 } } }).files;
}

function loadError(files: Record<string, Uint8Array>, registry: Registry): ModelFileError {
  try {
    deserializeModel(files, registry);
  } catch (error) {
    expect(error).toBeInstanceOf(ModelFileError);
    expect((error as Error).cause).toBeInstanceOf(ProvenanceError);
    return error as ModelFileError;
  }
  throw new Error('the model loaded');
}

describe('provenance on load', () => {
  it("refuses a model saved with a plugin's relu when the built-in relu would run instead", () => {
    const files = savedWith(registryWith(reluIsAbs('@acme/relu-is-abs', '1.0.0')));
    expect(loadError(files, registryWith()).message).toMatch(
      /^model\.json: activation 'relu' was saved from @acme\/relu-is-abs@1\.0\.0, but here it comes from @keel\/activations@\d+\.\d+\.\d+\S*\. The same weights would run through other code: install the package\(s\) it was saved with and use their plugin, or, if you know the code agrees, load anyway with \{ ignoreProvenance: true \}$/,
    );
    // the opt-out loads it, with the code the registry has, and says what it let through
    const anyway = deserializeModel(files, registryWith(), { ignoreProvenance: true });
    expect(anyway.model.layers).toHaveLength(2);
    expect(anyway.notes).toEqual([expect.stringMatching(/^activation 'relu' was saved from @acme\/relu-is-abs@1\.0\.0, but here it comes from @keel\/activations@.* \(ignored as asked\)$/)]);
    // with the plugin it was saved with, it loads silently
    expect(deserializeModel(files, registryWith(reluIsAbs('@acme/relu-is-abs', '1.0.0'))).notes).toEqual([]);
  });

  it('refuses the same id from another package, naming both', () => {
    const files = savedWith(registryWith(reluIsAbs('@acme/relu-is-abs', '1.0.0')));
    expect(loadError(files, registryWith(reluIsAbs('@other/relu', '1.0.0'))).message).toContain(
      "activation 'relu' was saved from @acme/relu-is-abs@1.0.0, but here it comes from @other/relu@1.0.0",
    );
  });

  it('refuses an incompatible version (another major, another minor under 1.0, an older one) and notes a newer compatible one', () => {
    const files = (version: string) => savedWith(registryWith(reluIsAbs('@acme/relu-is-abs', version)));
    const loadWith = (version: string) => registryWith(reluIsAbs('@acme/relu-is-abs', version));
    expect(loadError(files('0.1.0'), loadWith('0.2.0')).message).toContain('was saved from @acme/relu-is-abs@0.1.0, but 0.2.0 is installed (not compatible with 0.1.0)');
    expect(loadError(files('1.4.0'), loadWith('2.0.0')).message).toContain('but 2.0.0 is installed (not compatible with 1.4.0)');
    expect(loadError(files('1.4.0'), loadWith('1.3.9')).message).toContain('but 1.3.9 is installed (older than 1.4.0)');
    // a recorded version that is not semver (an edited model.json) must match exactly
    const edited = files('1.0.0');
    const text = new TextDecoder().decode(edited['model.json']).replace('"version": "1.0.0"', '"version": "banana"');
    expect(text).toContain('banana');
    expect(loadError({ ...edited, 'model.json': new TextEncoder().encode(text) }, loadWith('1.0.0')).message).toContain('but 1.0.0 is installed (not compatible with banana)');
    expect(deserializeModel(files('1.2.0'), loadWith('1.4.1')).notes).toEqual([
      "activation 'relu' was saved from @acme/relu-is-abs@1.2.0 and loads with 1.4.1, a newer compatible version",
    ]);
  });

  it("checks the optimizer's provider when its state is read, not for inference", () => {
    const other = definePlugin({ name: '@acme/sgd', version: '1.0.0', provides: { optimizer: [{ id: 'sgd', override: true, description: 'another sgd', create: (c = {}) => sgd(c) }] } });
    const files = savedWith(registryWith(other));
    const error = loadError(files, registryWith());
    expect(error.message).toMatch(/^model\.json: optimizer 'sgd' was saved from @acme\/sgd@1\.0\.0, but here it comes from @keel\/optimizers@/);
    expect(deserializeModel(files, registryWith(), { optimizer: false }).notes).toEqual([]);
  });
});
