// Op codes of the C kernels: the order of the enums in native/unary.c, binary.c, reduce.c, conv.c and activation.c.

export const Unary = {
  neg: 0, abs: 1, sign: 2, exp: 3, expm1: 4, log: 5, log1p: 6, sqrt: 7, rsqrt: 8, square: 9, reciprocal: 10, sin: 11, cos: 12,
  tanh: 13, sigmoid: 14, softplus: 15, relu: 16, step: 17, floor: 18, ceil: 19, round: 20, erf: 21, isFinite: 22, copy: 23,
} as const;

export const Binary = {
  add: 0, sub: 1, mul: 2, div: 3, pow: 4, maximum: 5, minimum: 6, equal: 7, notEqual: 8, less: 9, lessEqual: 10, greater: 11, greaterEqual: 12,
} as const;

export const Reduce = { sum: 0, prod: 1, max: 2, min: 3 } as const;

export const WindowOp = { im2col: 0, col2im: 1, maxPool: 2, maxPoolGrad: 3, avgPool: 4, avgPoolGrad: 5 } as const;

/** The fused activations of biasActivation and activationGrad. */
export const Activation = { linear: 0, relu: 1, sigmoid: 2, tanh: 3 } as const;
