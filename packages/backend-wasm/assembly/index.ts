// Keel's WebAssembly kernels. No allocation happens in here: every buffer is a byte offset into
// linear memory that the TypeScript side allocated (see src/memory.ts).
export { gemm, gemmWorkFloats } from './gemm';
export { runPart } from './parallel';
export { unary, affine, clip, binary, oneHot, transpose2d } from './elementwise';
export { reduce, softmax } from './reduce';
export { im2col, col2im, pool, poolGrad } from './conv';
export {
  biasActivation, activationGrad, allFinite, axpby,
  sparseSoftmaxCrossEntropy, sparseSoftmaxCrossEntropyGrad, softmaxCrossEntropy, softmaxCrossEntropyGrad,
} from './fused';

/** First byte after the module's static data: Keel's allocator manages memory from here on. */
export function heapBase(): usize {
  return __heap_base;
}
