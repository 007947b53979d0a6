import { sizeOf } from '../../shape.js';
import { allocate, host, type JsKernel } from './util.js';

/**
 * softmax / logSoftmax along one axis, subtracting the max first so exp never overflows:
 * softmax([1000, 0]) is exactly [1, 0], logSoftmax gives [0, -1000].
 */
export function softmaxKernel(log: boolean): JsKernel<'softmax' | 'logSoftmax'> {
  return ([x], attrs) => {
    const axis = attrs.axis;
    const input = x.data;
    const out = allocate(x.dtype, input.length);
    const dim = x.shape[axis];
    const inner = sizeOf(x.shape.slice(axis + 1));
    const outer = sizeOf(x.shape.slice(0, axis));
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const start = o * dim * inner + i;
        let max = -Infinity;
        for (let r = 0; r < dim; r++) {
          const v = input[start + r * inner];
          if (v > max || Number.isNaN(v)) max = v;
        }
        let sum = 0;
        for (let r = 0; r < dim; r++) sum += Math.exp(input[start + r * inner] - max);
        if (log) {
          const logSum = Math.log(sum) + max;
          for (let r = 0; r < dim; r++) out[start + r * inner] = input[start + r * inner] - logSum;
        } else {
          const scale = 1 / sum;
          for (let r = 0; r < dim; r++) out[start + r * inner] = Math.exp(input[start + r * inner] - max) * scale;
        }
      }
    }
    return host(out, x.shape, x.dtype);
  };
}
