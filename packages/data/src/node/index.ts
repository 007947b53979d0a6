// The Node-only entry (`@keel/data/node`): everything that touches the file system or node:zlib.
export { readIdxFile } from './read-idx-file.js';
export { readRegularFile, readRegularFileIfExists, type ReadRegularFileOptions } from './read-regular-file.js';
export { errorCode, fsReason, describeFsError, fsError } from './fs-errors.js';
export { idxClassification } from './idx-classification.js';
export { mnist, mnistDirectory } from './mnist.js';
export type { ClassificationOptions, ClassificationSet, ClassificationSplit } from '../idx/classification.js';
export type { IdxArray } from '../idx/dtype.js';
