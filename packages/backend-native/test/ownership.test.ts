// The snippet: an array read with `.values` inside a scope must not go back to the pool.
import { defaultRegistry } from '@keel/registry';
import { matmul, noGrad, openAllocationScope, setBackend, tensor, tidy, mul, type TypedArray } from '@keel/tensor';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { installNativeBackend, nativeBackend } from '../src/index.js';
import { skipReason, titled } from './helpers.js';

beforeAll(() => installNativeBackend(defaultRegistry));
afterEach(() => setBackend('js'));

describe.skipIf(skipReason !== undefined)(titled("values read on 'native'"), () => {
  it('survive the next scope: the snippet prints [7,10,15,22], not [162,162,162,162]', () => {
    setBackend('native');
    let kept: TypedArray | undefined;
    tidy(() => {
      kept = matmul(tensor([[1, 2], [3, 4]]), tensor([[1, 2], [3, 4]])).values;
    });
    tidy(() => {
      matmul(tensor([[9, 9], [9, 9]]), tensor([[9, 9], [9, 9]]));
    });
    expect(Array.from(kept!)).toEqual([7, 10, 15, 22]);
  });

  it('survive every later scope and replace, while the pool still reuses what nobody reads', () => {
    setBackend('native');
    const pool = nativeBackend().pool;
    const param = tensor([1, 2, 3, 4]);
    const reads: { values: TypedArray; expected: number[] }[] = [];
    const before = pool.stats().reused;
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
    expect(pool.stats().reused - before).toBeGreaterThan(0);
  });
});
