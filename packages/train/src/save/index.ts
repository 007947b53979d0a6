// Saving and loading models (browser-safe; the Node directory functions are in '@keel/train/node').
export { ModelFileError } from './errors.js';
export { encodeSafetensors, decodeSafetensors, MAX_HEADER_BYTES, type TensorData, type DecodedTensor, type DecodedSafetensors } from './safetensors.js';
export type { JsonValue, StateTree } from './state.js';
export {
  serializeModel,
  deserializeModel,
  parseModelJson,
  MODEL_JSON,
  WEIGHTS_FILE,
  OPTIMIZER_FILE,
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  type SaveExtras,
  type OptimizerSnapshot,
  type TrainingInfo,
  type LoadedModel,
  type LoadedOptimizer,
  type ModelDocument,
  type DeserializeOptions,
  type LoadOptions,
} from './model-file.js';
export { encodeModelBundle, loadModelFromBundle, modelBundleFileName, BUNDLE_EXTENSION, BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION, BUNDLE_OPTIMIZER_PREFIX } from './bundle.js';
export { saveModelToIndexedDB, loadModelFromIndexedDB, deleteModelFromIndexedDB, modelDownloadBlob, type IndexedDBOptions } from './browser.js';
