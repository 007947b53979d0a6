// The snippet on 'wasm': values read with `.values` inside a scope stay what they were.
import { matmul, mul, noGrad, openAllocationScope, setBackend, tensor, tidy, type TypedArray } from '@keel/tensor';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { install } from './helpers.js';

beforeAll(() => install());
afterEach(() => setBackend('js'));

describe("values read on 'wasm'", () => {
  it('survive the next scope: the snippet prints [7,10,15,22]', () => {
    setBackend('wasm');
    let kept: TypedArray | undefined;
    tidy(() => {
      kept = matmul(tensor([[1, 2], [3, 4]]), tensor([[1, 2], [3, 4]])).values;
    });
    tidy(() => {
      matmul(tensor([[9, 9], [9, 9]]), tensor([[9, 9], [9, 9]]));
    });
    expect(Array.from(kept!)).toEqual([7, 10, 15, 22]);
  });

  it('survive every later scope and replace', () => {
    setBackend('wasm');
    const param = tensor([1, 2, 3, 4]);
    const reads: { values: TypedArray; expected: number[] }[] = [];
    for (let step = 0; step < 5; step++) {
      const scope = openAllocationScope();
      const update = mul(param, 2);
      reads.push({ values: update.values, expected: Array.from(update.values) });
      noGrad(() => param.replace(update));
      reads.push({ values: param.values, expected: Array.from(param.values) });
      const nested = tidy(() => mul(param, -1));
      reads.push({ values: nested.values, expected: Array.from(nested.values) });
      scope.close();
      tidy(() => {
        for (let i = 0; i < 4; i++) mul(tensor([9, 9, 9, 9]), 9);
      });
    }
    for (const { values, expected } of reads) expect(Array.from(values)).toEqual(expected);
    expect(Array.from(param.values)).toEqual([32, 64, 96, 128]);
  });
});
