export { Registry, type Description, type PluginInfo, type RegistryOptions, type UseOptions } from './registry.js';
export { definePlugin, pluginLabel, type Plugin, type Provides } from './plugin.js';
export {
  builtinKinds,
  kernelKey,
  type BuiltinKind,
  type EntryBase,
  type EntryOf,
  type Kind,
  type KindDefinition,
  type KindEntries,
} from './kinds.js';
export { isValidId, type IdKeys, type IdOf, type IdsOf, type RegisteredIds } from './ids.js';
export { RegistryError, UnknownIdError, type RegistryErrorCode } from './errors.js';
export { editDistance, nearestId } from './nearest.js';
export { defaultRegistry, loadedCopies, reportCopiesInApp, type LoadedCopy } from './default-registry.js';
export { VERSION } from './version.js';
export {
  catchOptionsError,
  checkOptions,
  declareOption,
  describeValue,
  entryOptions,
  listOptions,
  optionDefaults,
  optionField,
  OptionsError,
  resolveOptions,
  type OptionField,
  type OptionFields,
  type OptionInfo,
} from './options.js';
export { checkProvenance, compareProvenance, ProvenanceError, provenanceAdvice, type Provenance, type ProvenanceFinding } from './provenance.js';
