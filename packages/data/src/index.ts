// The main entry: browser-safe and free of side effects. Node-only loaders live in `@keel/data/node`.
export { parseIdx, MAX_IDX_DATA_BYTES } from './idx/parse.js';
export { MAX_IDX_FILE_BYTES } from './idx/dtype.js';
export { decodeIdx } from './idx/decode.js';
export { isGzip, gunzip } from './idx/gzip.js';
export { IdxFormatError, type IdxErrorCode } from './idx/error.js';
export type { IdxArray, IdxArrays, IdxDtype } from './idx/dtype.js';
export { idxFileNames, type SplitName, type SplitPart } from './idx/file-names.js';
export type { ClassificationOptions, ClassificationSet, ClassificationSplit } from './idx/classification.js';
export { idxClassificationFromUrl, type FetchLike } from './idx/from-url.js';
export { DataSourceError, LabelRangeError, labelRangeMessage, type DataSourceErrorCode } from './errors.js';
export { SparseClassesError, RARE_CLASS_FRACTION } from './idx/sparse-classes.js';

export { parseCsv, type CsvColumn, type CsvOptions, type CsvTable, type CsvType } from './csv/parse.js';
export { csvMatrix, type Matrix } from './csv/matrix.js';
export { CsvFormatError, type CsvErrorCode } from './csv/error.js';

export { Rng } from './synthetic/random.js';
export type { PointOptions, PointSet } from './synthetic/points.js';
export { xor } from './synthetic/xor.js';
export { twoMoons } from './synthetic/two-moons.js';
export { spirals, type SpiralOptions } from './synthetic/spirals.js';
export { circles, type CircleOptions } from './synthetic/circles.js';
export { blobs, type BlobOptions } from './synthetic/blobs.js';

export { normalizeRange } from './transforms/normalize-range.js';
export { applyStandardize, fitStandardize, type Standardization } from './transforms/standardize.js';
export { oneHotLabels } from './transforms/one-hot.js';

export { dataPlugin, type BuiltinDatasetId, type DatasetLoadOptions, type DatasetSpec, type LoadedDataset } from './plugin.js';
export { PACKAGE_NAME, VERSION } from './version.js';

export { ArrayDataset, Subset, concat, filter, map, skip, split, take, type Dataset, type Example, type SplitOptions } from './loader/dataset.js';
export { DataLoader, type Batch, type DataLoaderOptions } from './loader/loader.js';
export { prefetch } from './loader/prefetch.js';
export { imageDataset, type ImageDatasetOptions } from './loader/image-dataset.js';
export { applyStandardization, flatten, normalize, oneHot, standardize, type StandardizationJson } from './loader/dataset-transforms.js';
export { streamBatches, type StreamOptions } from './loader/stream.js';
