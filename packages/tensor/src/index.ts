export { Tensor, type NestedArray } from './tensor.js';
export type { DType, TypedArray } from './dtype.js';
export { checkSeed, Random } from './random.js';
export { TensorError, ShapeError, InternalError } from './errors.js';
export { broadcastShapes, broadcastStrides, formatShape, shapesEqual, sizeOf, stridesOf, type Shape } from './shape.js';
export { matmulBatches, type MatmulBatches } from './matmul-batches.js';
export * from './ops/index.js';
export { noGrad, enableGrad, isGradEnabled, withScope } from './autograd/mode.js';
export { grad, valueAndGrad, type ValueAndGrad } from './autograd/functional.js';
export { defineOp, type BackwardArgs, type OpDefinition } from './autograd/define-op.js';
export type { GradNode } from './autograd/node.js';
export { gradcheck, type GradcheckOptions, type GradcheckResult, type GradcheckWorst } from './gradcheck.js';
export { tidy, openAllocationScope } from './tidy.js';
export { AllocationScope, keep } from './allocation-scope.js';
export { Storage } from './storage.js';
export { engine, type Engine, type OpEvent, type OpHook, type ResolvedKernel } from './engine.js';
export { defineBackend, kernelEntries, type Backend, type BackendEntry, type KernelEntry } from './backend/backend.js';
export type { AnyKernel, Attrs, AttrsOf, HostRecord, InputsOf, Kernel, KernelTable, StorageRecord } from './kernel.js';
export {
  BINARY_OPS, FUSED_ACTIVATIONS, OP_NAMES, OP_SIGNATURES, REDUCE_OPS, UNARY_OPS, WINDOW_OPS, isOpName,
  type AttrType, type BinaryOp, type OpName, type OpSignature, type ReduceOp, type UnaryOp, type WindowOp,
} from './op-signatures.js';
export { jsKernels, type CompleteKernelTable } from './kernels/js/index.js';
export { jsBackend } from './backend/js-backend.js';
export { setBackend, getBackend, listBackends, bestBackend, backendUnavailableReason, useRegistry } from './backends.js';
export { tensorPlugin, installTensorPlugin } from './plugin.js';
export { secondsPerCall, timeCalls } from './timing.js';
export { VERSION } from './version.js';
