// The one table of Keel's kernel ops: each op's inputs, attributes (with their types) and outputs.
// The TypeScript types of every kernel (kernel.ts) are derived from it, `defineBackend` refuses a
// kernel for an op it does not list, and the backends' C and AssemblyScript op codes are checked
// against it by their tests. An op added here is an op every backend is tested on.

/** The type of an attribute: a number, a flag, a list of numbers (axes, a shape), padding pairs, a dtype, or one of some names. */
export type AttrType = 'number' | 'boolean' | 'numbers' | 'pairs' | 'dtype' | readonly string[];

export interface OpSignature {
  /** Input names in order; `name?` may be left out (the last ones only), `...name` takes any number. */
  readonly inputs: readonly string[];
  readonly attrs: Readonly<Record<string, AttrType>>;
  /** Output names: every kernel op has one output. */
  readonly outputs: readonly ['y'];
}

/** The activations the fused dense / bias kernels apply. */
export const FUSED_ACTIVATIONS = ['linear', 'relu', 'sigmoid', 'tanh'] as const;

const unary = { inputs: ['x'], attrs: {}, outputs: ['y'] } as const;
const binary = { inputs: ['a', 'b'], attrs: {}, outputs: ['y'] } as const;
const reduction = { inputs: ['x'], attrs: { axes: 'numbers', keepDims: 'boolean' }, outputs: ['y'] } as const;
const argReduction = { inputs: ['x'], attrs: { axis: 'number', keepDims: 'boolean' }, outputs: ['y'] } as const;
const range = { inputs: ['x'], attrs: { low: 'number', high: 'number' }, outputs: ['y'] } as const;
const softmaxLike = { inputs: ['x'], attrs: { axis: 'number' }, outputs: ['y'] } as const;
/** A 2-D window over an NHWC input (convolution patches, pooling): computed by the op, passed whole. */
const window = {
  kernelH: 'number', kernelW: 'number', strideH: 'number', strideW: 'number', padTop: 'number', padLeft: 'number', outH: 'number', outW: 'number',
} as const;

export const OP_SIGNATURES = {
  // elementwise, one input
  neg: unary, abs: unary, sign: unary, exp: unary, expm1: unary, log: unary, log1p: unary, sqrt: unary, rsqrt: unary,
  square: unary, reciprocal: unary, sin: unary, cos: unary, tanh: unary, sigmoid: unary, softplus: unary, relu: unary,
  step: unary, floor: unary, ceil: unary, round: unary, erf: unary, isFinite: unary,
  affine: { inputs: ['x'], attrs: { scale: 'number', offset: 'number' }, outputs: ['y'] },
  clip: range,
  insideRange: range,
  // elementwise, two inputs (broadcasting)
  add: binary, sub: binary, mul: binary, div: binary, pow: binary, maximum: binary, minimum: binary,
  equal: binary, notEqual: binary, less: binary, lessEqual: binary, greater: binary, greaterEqual: binary,
  where: { inputs: ['condition', 'a', 'b'], attrs: {}, outputs: ['y'] },
  // reductions
  sum: reduction, prod: reduction, max: reduction, min: reduction,
  argmax: argReduction, argmin: argReduction,
  softmax: softmaxLike, logSoftmax: softmaxLike,
  // linear algebra and layout
  matmul: { inputs: ['a', 'b'], attrs: { transposeA: 'boolean', transposeB: 'boolean' }, outputs: ['y'] },
  transpose: { inputs: ['x'], attrs: { perm: 'numbers' }, outputs: ['y'] },
  broadcastTo: { inputs: ['x'], attrs: { shape: 'numbers' }, outputs: ['y'] },
  slice: { inputs: ['x'], attrs: { begin: 'numbers', size: 'numbers' }, outputs: ['y'] },
  sliceGrad: { inputs: ['dy'], attrs: { begin: 'numbers', shape: 'numbers' }, outputs: ['y'] },
  concat: { inputs: ['...xs'], attrs: { axis: 'number' }, outputs: ['y'] },
  pad: { inputs: ['x'], attrs: { paddings: 'pairs', value: 'number' }, outputs: ['y'] },
  gather: { inputs: ['x', 'indices'], attrs: { axis: 'number' }, outputs: ['y'] },
  gatherGrad: { inputs: ['dy', 'indices'], attrs: { axis: 'number', shape: 'numbers' }, outputs: ['y'] },
  oneHot: { inputs: ['indices'], attrs: { depth: 'number' }, outputs: ['y'] },
  cast: { inputs: ['x'], attrs: { dtype: 'dtype' }, outputs: ['y'] },
  // convolution and pooling (NHWC)
  im2col: { inputs: ['x'], attrs: window, outputs: ['y'] },
  col2im: { inputs: ['cols'], attrs: { ...window, inputShape: 'numbers' }, outputs: ['y'] },
  maxPool: { inputs: ['x'], attrs: window, outputs: ['y'] },
  maxPoolGrad: { inputs: ['x', 'dy'], attrs: window, outputs: ['y'] },
  avgPool: { inputs: ['x'], attrs: window, outputs: ['y'] },
  avgPoolGrad: { inputs: ['dy'], attrs: { ...window, inputShape: 'numbers' }, outputs: ['y'] },
  // fused: a training step's hot path
  biasActivation: { inputs: ['z', 'bias?'], attrs: { activation: FUSED_ACTIVATIONS }, outputs: ['y'] },
  activationGrad: { inputs: ['y', 'dy'], attrs: { activation: FUSED_ACTIVATIONS }, outputs: ['y'] },
  sparseSoftmaxCrossEntropy: { inputs: ['logits', 'labels'], attrs: {}, outputs: ['y'] },
  sparseSoftmaxCrossEntropyGrad: { inputs: ['logits', 'labels', 'dy'], attrs: {}, outputs: ['y'] },
  softmaxCrossEntropy: { inputs: ['logits', 'targets'], attrs: {}, outputs: ['y'] },
  softmaxCrossEntropyGrad: { inputs: ['logits', 'targets', 'dy'], attrs: {}, outputs: ['y'] },
  allFinite: unary,
  axpby: { inputs: ['x', 'y'], attrs: { a: 'number', b: 'number' }, outputs: ['y'] },
} as const satisfies Record<string, OpSignature>;

/** The name of a kernel op. */
export type OpName = keyof typeof OP_SIGNATURES;

// Families of ops one kernel loop serves, selected by an op code in the C and AssemblyScript kernels.

/** Elementwise ops of one input and no attributes. */
export const UNARY_OPS = [
  'neg', 'abs', 'sign', 'exp', 'expm1', 'log', 'log1p', 'sqrt', 'rsqrt', 'square', 'reciprocal', 'sin', 'cos', 'tanh', 'sigmoid',
  'softplus', 'relu', 'step', 'floor', 'ceil', 'round', 'erf', 'isFinite',
] as const satisfies readonly OpName[];
export type UnaryOp = (typeof UNARY_OPS)[number];

/** Broadcasting elementwise ops of two inputs. */
export const BINARY_OPS = [
  'add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual',
] as const satisfies readonly OpName[];
export type BinaryOp = (typeof BINARY_OPS)[number];

/** Reductions over axes. */
export const REDUCE_OPS = ['sum', 'prod', 'max', 'min'] as const satisfies readonly OpName[];
export type ReduceOp = (typeof REDUCE_OPS)[number];

/** Window ops over NHWC images (convolution patches and pooling). */
export const WINDOW_OPS = ['im2col', 'col2im', 'maxPool', 'maxPoolGrad', 'avgPool', 'avgPoolGrad'] as const satisfies readonly OpName[];
export type WindowOp = (typeof WINDOW_OPS)[number];

export type FusedActivation = (typeof FUSED_ACTIVATIONS)[number];

/** Every kernel op, in table order. */
export const OP_NAMES = Object.keys(OP_SIGNATURES) as OpName[];

export function isOpName(name: string): name is OpName {
  return Object.hasOwn(OP_SIGNATURES, name);
}
