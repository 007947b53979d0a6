import { setBackend } from '@keel/tensor';
import { sgdTrajectory } from '@keel/testkit';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { install } from './helpers.js';

beforeAll(() => install());
afterEach(() => setBackend('js'));


describe('an MLP trained on wasm', () => {
  it("follows the 'js' loss trajectory for 50 steps", () => {
    setBackend('js');
    const reference = sgdTrajectory().losses;
    setBackend('wasm');
    const actual = sgdTrajectory().losses;
    expect(actual.length).toBe(50);
    for (let i = 0; i < 50; i++) {
      expect(Math.abs(actual[i] - reference[i]), `step ${i}: ${actual[i]} vs ${reference[i]}`).toBeLessThan(1e-4 * Math.max(1, reference[i]));
    }
    expect(actual[49]).toBeLessThan(actual[0] * 0.5);
  });
});
