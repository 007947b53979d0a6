// Op codes of the AssemblyScript kernels (assembly/elementwise.ts, reduce.ts, fused.ts, parallel.ts);
// test/op-codes.test.ts reads those sources and fails on any drift from these or from @keel/tensor's op table.

export const Unary = {
  neg: 0, abs: 1, sign: 2, exp: 3, expm1: 4, log: 5, log1p: 6, sqrt: 7, rsqrt: 8, square: 9, reciprocal: 10,
  tanh: 11, sigmoid: 12, softplus: 13, relu: 14, step: 15, floor: 16, ceil: 17, round: 18, isFinite: 19, copy: 20,
} as const;

export const Binary = {
  add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5, equal: 6, notEqual: 7, less: 8, lessEqual: 9, greater: 10, greaterEqual: 11,
  /** out = b: materialises a broadcast */
  second: 12,
} as const;

/** How an operand of a binary kernel is read over an [outer, inner] result. */
export const Layout = { full: 0, row: 1, column: 2, scalar: 3 } as const;
export type LayoutCode = (typeof Layout)[keyof typeof Layout];

export const Reduce = { sum: 0, max: 1, min: 2 } as const;

/** The activations of the fused kernels (@keel/tensor's FusedActivation). */
export const Activation = { linear: 0, relu: 1, sigmoid: 2, tanh: 3 } as const;

/** The window kernels (word 1 of a window job; assembly/parallel.ts). */
export const Window = { im2col: 0, col2im: 1, maxPool: 2, avgPool: 3, maxPoolGrad: 4, avgPoolGrad: 5 } as const;

/** The kinds of job the worker threads run (word 0 of a job; assembly/parallel.ts). */
export const Job = { gemm: 1, unary: 2, affine: 3, binary: 4, window: 5, biasActivation: 6, activationGrad: 7, axpby: 8 } as const;
