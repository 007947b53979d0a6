import { tensor } from '@keel/tensor';
import { describe, expect, it } from 'vitest';
import { checkMatmulAgainstJs, compareValues, sgdTrajectory } from '../src/index.js';

describe('backend checks', () => {
  it('compareValues: within atol + rtol·|expected|, NaN only matching NaN, sizes must agree', () => {
    expect(compareValues(tensor([1, 2.0001]), tensor([1, 2]), 1e-4, 0)).toEqual({ ok: true, error: expect.closeTo(1e-4, 6) as number });
    expect(compareValues(tensor([1, 2.001]), tensor([1, 2]), 1e-4, 0).ok).toBe(false);
    const nan = tensor([Number.NaN, 1], undefined, { allowNonFinite: true });
    expect(compareValues(nan, nan)).toEqual({ ok: true, error: 0 });
    expect(compareValues(nan, tensor([0, 1]))).toEqual({ ok: false, error: Infinity });
    expect(compareValues(tensor([1]), tensor([1, 2]))).toEqual({ ok: false, error: Infinity });
  });

  it("checkMatmulAgainstJs passes the reference itself, exactly, with the transposes", () => {
    expect(checkMatmulAgainstJs('js', [5, 7], [7, 3])).toEqual({ ok: true, error: 0, message: '' });
    expect(checkMatmulAgainstJs('js', [7, 5], [3, 7], { transposeA: true, transposeB: true }).ok).toBe(true);
  });

  it('sgdTrajectory trains: repeatable, and the loss falls', () => {
    const first = sgdTrajectory();
    const second = sgdTrajectory();
    expect(first.losses).toHaveLength(50);
    expect(first.losses).toEqual(second.losses);
    expect(first.losses[49]).toBeLessThan(first.losses[0] * 0.5);
    expect(first.weights).toHaveLength(6);
  });
});
