import { describe, expect, it } from 'vitest';
import { Registry, RegistryError, UnknownIdError, definePlugin, kernelKey, type Plugin } from '../src/index.js';

// A package that declares a kind augments KindEntries, which types that kind's entries.
declare module '../src/index.js' {
  interface KindEntries {
    scheduler: { readonly id: string };
  }
}

const keelActivations = definePlugin({
  name: '@keel/activations',
  version: '0.1.0',
  provides: {
    activation: [{ id: 'relu' }, { id: 'tanh' }, { id: 'sigmoid' }],
  },
});

function errorOf(fn: () => unknown): RegistryError {
  try {
    fn();
  } catch (error) {
    if (error instanceof RegistryError) return error;
    throw error;
  }
  throw new Error('expected a RegistryError, nothing was thrown');
}

describe('Registry.use', () => {
  it('installs every entry of a plugin and lists them sorted', () => {
    const registry = new Registry();
    registry.use(keelActivations);
    expect(registry.list('activation')).toEqual(['relu', 'sigmoid', 'tanh']);
    expect(registry.plugins()).toEqual([{ name: '@keel/activations', version: '0.1.0' }]);
  });

  it('keeps separate registries apart', () => {
    const a = new Registry();
    const b = new Registry();
    a.use(keelActivations);
    expect(b.list('activation')).toEqual([]);
  });

  it('rejects a colliding id, naming both plugins and versions', () => {
    const registry = new Registry();
    registry.use(keelActivations);
    const rival = definePlugin({ name: '@keel/other', version: '2.0.0', provides: { activation: [{ id: 'relu' }] } });
    const error = errorOf(() => registry.use(rival));
    expect(error.code).toBe('conflict');
    expect(error.message).toContain("activation 'relu' is already registered by @keel/activations@0.1.0");
    expect(error.message).toContain('@keel/other@2.0.0');
    expect(error.message).toContain('override: true');
  });

  it('is atomic: a conflict anywhere installs nothing of the plugin', () => {
    const registry = new Registry();
    registry.use(keelActivations);
    const partial = definePlugin({
      name: '@keel/mixed',
      version: '1.0.0',
      provides: { loss: [{ id: 'mse' }], activation: [{ id: 'elu' }, { id: 'tanh' }] },
    });
    expect(() => registry.use(partial)).toThrow(RegistryError);
    expect(registry.list('loss')).toEqual([]);
    expect(registry.has('activation', 'elu')).toBe(false);
    expect(registry.plugins().map((p) => p.name)).toEqual(['@keel/activations']);
  });

  it('rejects an id provided twice by one plugin', () => {
    const registry = new Registry();
    const twice = definePlugin({ name: '@keel/x', version: '1.0.0', provides: { activation: [{ id: 'a' }, { id: 'a' }] } });
    expect(errorOf(() => registry.use(twice)).message).toContain("provides activation 'a' twice");
    expect(registry.list('activation')).toEqual([]);
  });

  it('replaces an entry only when override is said explicitly, and remembers what it replaced', () => {
    const registry = new Registry();
    registry.use(keelActivations);
    const fasterRelu = { id: 'acme/relu' };
    const replacement = definePlugin({
      name: 'acme-relu',
      version: '1.2.3',
      provides: { activation: [{ id: 'relu', override: true }, fasterRelu] },
    });
    // A third-party plugin may override a plain id, but its own new ids must be namespaced.
    registry.use(replacement);
    const description = registry.describe('activation', 'relu');
    expect(description.plugin).toEqual({ name: 'acme-relu', version: '1.2.3' });
    expect(description.overrode).toEqual({ name: '@keel/activations', version: '0.1.0' });

    const whole = definePlugin({ name: '@keel/again', version: '1.0.0', provides: { activation: [{ id: 'tanh' }] } });
    registry.use(whole, { override: true });
    expect(registry.describe('activation', 'tanh').plugin.name).toBe('@keel/again');
  });

  it('treats installing the same plugin name and version again as a no-op, another version as a conflict', () => {
    const registry = new Registry();
    registry.use(keelActivations);
    expect(() => registry.use(keelActivations)).not.toThrow();
    const newer = definePlugin({ ...keelActivations, version: '0.2.0' });
    const error = errorOf(() => registry.use(newer));
    expect(error.code).toBe('conflict');
    expect(error.message).toContain('@keel/activations@0.1.0 is already installed');
  });

  it('forbids changes after freeze() but keeps lookups working', () => {
    const registry = new Registry({ name: 'test registry' });
    registry.use(keelActivations);
    registry.freeze();
    expect(registry.isFrozen).toBe(true);
    const late = definePlugin({ name: '@keel/late', version: '1.0.0', provides: { loss: [{ id: 'mse' }] } });
    const error = errorOf(() => registry.use(late));
    expect(error.code).toBe('frozen');
    expect(error.message).toBe('cannot install @keel/late@1.0.0: test registry is frozen (freeze() forbids further changes)');
    expect(() => registry.defineKind({ name: 'scheduler', description: 'x' })).toThrow(/frozen/);
    expect(registry.resolve('activation', 'relu').id).toBe('relu');
  });
});

describe('ids', () => {
  it('requires third-party ids to be namespaced', () => {
    const registry = new Registry();
    const plain = definePlugin({ name: '@acme/keel-swish', version: '1.0.0', provides: { activation: [{ id: 'swish' }] } });
    const error = errorOf(() => registry.use(plain));
    expect(error.code).toBe('invalid-id');
    expect(error.message).toContain("must be namespaced (e.g. 'acme/swish')");
    const namespaced = definePlugin({ name: '@acme/keel-swish', version: '1.0.0', provides: { activation: [{ id: 'acme/swish' }] } });
    registry.use(namespaced);
    expect(registry.has('activation', 'acme/swish')).toBe(true);
  });

  it("says how to replace a built-in plain id, and keeps the 'keel' namespace for Keel's packages", () => {
    const registry = new Registry();
    registry.use(definePlugin({ name: '@keel/activations', version: '1.0.0', provides: { activation: [{ id: 'relu' }] } }));
    const relu = definePlugin({ name: '@acme/relu', version: '1.0.0', provides: { activation: [{ id: 'relu' }] } });
    expect(errorOf(() => registry.use(relu)).message).toBe(
      "@acme/relu@1.0.0: activation id 'relu' must be namespaced (e.g. 'acme/relu'); plain ids are reserved for Keel's own packages, " +
        "or, to replace @keel/activations@1.0.0's 'relu' deliberately, mark the entry { override: true }",
    );
    for (const id of ['keel/relu', '@keel/relu']) {
      const squatter = definePlugin({ name: '@acme/x', version: '1.0.0', provides: { activation: [{ id }] } });
      const error = errorOf(() => registry.use(squatter));
      expect(error.code).toBe('invalid-id');
      expect(error.message).toBe(`@acme/x@1.0.0: activation id '${id}' is in the 'keel' namespace, which is reserved for Keel's own packages; use your own (e.g. 'acme/relu')`);
    }
    registry.use(definePlugin({ name: '@keel/extras', version: '1.0.0', provides: { activation: [{ id: 'keel/relu' }] } }));
  });

  it('rejects malformed ids', () => {
    const registry = new Registry();
    for (const id of ['', 'has space', '/x', 'a/b/c', '-x']) {
      const bad = definePlugin({ name: '@keel/bad', version: '1.0.0', provides: { activation: [{ id }] } });
      expect(errorOf(() => registry.use(bad)).code).toBe('invalid-id');
    }
  });

  it('keys kernels by op and backend, so backends share op names', () => {
    const registry = new Registry();
    const js = definePlugin({ name: '@keel/tensor', version: '0.1.0', provides: { kernel: [{ id: 'matmul', backend: 'js' } as { id: string }] } });
    const wasm = definePlugin({ name: 'acme-wasm', version: '0.1.0', provides: { kernel: [{ id: 'matmul', backend: 'wasm' } as { id: string }] } });
    registry.use(js);
    registry.use(wasm);
    expect(registry.list('kernel')).toEqual([kernelKey('matmul', 'js'), kernelKey('matmul', 'wasm')]);
    expect(registry.describe('kernel', 'matmul@wasm').plugin.name).toBe('acme-wasm');
    const noBackend = definePlugin({ name: 'acme-broken', version: '0.1.0', provides: { kernel: [{ id: 'add' }] } });
    expect(() => registry.use(noBackend)).toThrow(/has no backend/);
  });
});

describe('lookups', () => {
  it("says 'did you mean' for a typo and lists what is registered", () => {
    const registry = new Registry();
    registry.use(keelActivations);
    let caught: unknown;
    try {
      registry.resolve('activation', 'rleu');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UnknownIdError);
    const error = caught as UnknownIdError;
    expect(error.message).toBe("unknown activation 'rleu'; did you mean 'relu'? registered: relu, sigmoid, tanh");
    expect(error.suggestion).toBe('relu');
    expect(error.registered).toEqual(['relu', 'sigmoid', 'tanh']);
  });

  it('suggests a namespaced id from its bare name, and nothing for a far-off name', () => {
    const registry = new Registry();
    registry.use(definePlugin({ name: 'acme', version: '1.0.0', provides: { activation: [{ id: 'acme/swish' }] } }));
    expect(() => registry.resolve('activation', 'swish')).toThrow("did you mean 'acme/swish'?");
    expect(() => registry.resolve('activation', 'completely-different')).toThrow(
      "unknown activation 'completely-different' registered: acme/swish",
    );
  });

  it('says so when nothing of a kind is registered, and suggests kinds', () => {
    const registry = new Registry();
    expect(() => registry.resolve('loss', 'mse')).toThrow("unknown loss 'mse' no loss is registered");
    expect(() => registry.list('activaton')).toThrow("unknown kind 'activaton'; did you mean 'activation'?");
  });

  it('narrows a run-time string to a typed id only once it is registered (isId, idOf)', () => {
    const registry = new Registry();
    registry.use(keelActivations);
    expect(registry.isId('activation', 'relu')).toBe(true);
    expect(registry.isId('activation', 'rleu')).toBe(false);
    expect(registry.isId('loss', 'relu')).toBe(false);
    expect(registry.idOf('activation', 'tanh')).toBe('tanh');
    expect(() => registry.idOf('activation', 'rleu')).toThrow(new UnknownIdError('activation', 'rleu', ['relu', 'sigmoid', 'tanh'], 'relu'));
  });

  it('describes an entry with its plugin and metadata', () => {
    const registry = new Registry();
    const withMeta = definePlugin({
      name: '@keel/activations',
      version: '0.3.0',
      provides: { activation: [{ id: 'relu', meta: { gain: Math.SQRT2 } } as { id: string }] },
    });
    registry.use(withMeta);
    const description = registry.describe('activation', 'relu');
    expect(description).toMatchObject({ kind: 'activation', id: 'relu', key: 'relu', plugin: { version: '0.3.0' } });
    expect(description.entry).toMatchObject({ meta: { gain: Math.SQRT2 } });
  });
});

describe('defineKind', () => {
  it('lets a package declare a new kind that plugins can then provide', () => {
    const registry = new Registry();
    registry.defineKind({ name: 'scheduler', description: 'a learning-rate schedule' });
    registry.use(definePlugin({ name: '@keel/schedules', version: '1.0.0', provides: { scheduler: [{ id: 'cosine' }] } }));
    expect(registry.list('scheduler')).toEqual(['cosine']);
    expect(registry.kinds().map((k) => k.name)).toContain('scheduler');
    expect(() => registry.defineKind({ name: 'scheduler', description: 'again' })).toThrow(/already defined/);
  });

  it('rejects a plugin that provides an undeclared kind, installing nothing', () => {
    const registry = new Registry();
    // A typo'd kind is a compile error too; the cast shows the run-time check behind it.
    const provides = { activation: [{ id: 'a' }], schedular: [{ id: 'b' }] } as Plugin['provides'];
    const plugin = definePlugin({ name: '@keel/x', version: '1.0.0', provides });
    expect(() => registry.use(plugin)).toThrow("unknown kind 'schedular'");
    expect(registry.list('activation')).toEqual([]);
  });
});

describe('definePlugin', () => {
  it('checks the manifest', () => {
    expect(() => definePlugin({ name: '', version: '1.0.0', provides: {} })).toThrow(/non-empty name/);
    expect(() => definePlugin({ name: 'x', version: '1.0', provides: {} })).toThrow(/semver/);
  });

  it('registry.use checks a plain-object plugin the same way: no version such as latest reaches provenance (attack pass 3, D19)', () => {
    const registry = new Registry();
    const plain = { name: '@att/bv', version: 'latest', provides: { activation: [{ id: 'att/x' }] } } as Plugin;
    const error = (() => {
      try {
        registry.use(plain);
      } catch (e) {
        return e as RegistryError;
      }
      throw new Error('expected an error');
    })();
    expect(error).toBeInstanceOf(RegistryError);
    expect(error.message).toBe("plugin @att/bv has version 'latest'; a plugin version is semver, like '1.0.0'");
    expect(registry.plugins()).toEqual([]);
    expect(registry.has('activation', 'att/x')).toBe(false);
    expect(() => registry.use({ version: '1.0.0', provides: {} } as unknown as Plugin)).toThrow('a plugin needs a non-empty name (usually its npm package name)');
    expect(() => registry.use(null as unknown as Plugin)).toThrow('a plugin is an object { name, version, provides }, got null');
  });
});

describe('revision', () => {
  it('increases with every change and not with lookups', () => {
    const registry = new Registry();
    const start = registry.revision;
    registry.use(keelActivations);
    const afterUse = registry.revision;
    expect(afterUse).toBeGreaterThan(start);
    registry.resolve('activation', 'relu');
    registry.use(keelActivations); // same plugin again: a no-op
    expect(registry.revision).toBe(afterUse);
    registry.defineKind({ name: 'scheduler', description: 'x' });
    expect(registry.revision).toBeGreaterThan(afterUse);
  });
});
