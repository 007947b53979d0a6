import { describe, expect, it } from 'vitest';
import {
  adam, constantSchedule, exponentialDecaySchedule, oneCycleSchedule, piecewiseConstantSchedule, stepDecaySchedule, warmupCosineDecaySchedule,
} from '../src/index.js';
import { trajectory } from './helpers.js';

describe('schedules', () => {
  it('constant', () => {
    const schedule = constantSchedule(0.3);
    expect([0, 1, 1000].map(schedule)).toEqual([0.3, 0.3, 0.3]);
  });

  it('step decay: initial · factor^⌊step / stepSize⌋', () => {
    const schedule = stepDecaySchedule({ initial: 1, factor: 0.5, stepSize: 10 });
    expect([0, 9, 10, 19, 20, 35].map(schedule)).toEqual([1, 1, 0.5, 0.5, 0.25, 0.125]);
  });

  it('exponential decay: initial · rate^(step / decaySteps)', () => {
    const schedule = exponentialDecaySchedule({ initial: 2, decayRate: 0.5, decaySteps: 4 });
    expect(schedule(0)).toBe(2);
    expect(schedule(4)).toBe(1);
    expect(schedule(8)).toBe(0.5);
    expect(schedule(2)).toBeCloseTo(2 * Math.SQRT1_2, 14);
  });

  it('cosine decay with linear warm-up', () => {
    const schedule = warmupCosineDecaySchedule({ initial: 0, peak: 1, warmupSteps: 10, decaySteps: 110, final: 0.1 });
    expect(schedule(0)).toBe(0);
    expect(schedule(5)).toBe(0.5);
    expect(schedule(10)).toBe(1);
    // Halfway through the cosine: final + (peak − final)·(1 + cos(π/2))/2.
    expect(schedule(60)).toBeCloseTo(0.1 + 0.9 * 0.5, 14);
    expect(schedule(35)).toBeCloseTo(0.1 + (0.9 * (1 + Math.cos(Math.PI / 4))) / 2, 14);
    expect(schedule(110)).toBeCloseTo(0.1, 14);
    expect(schedule(500)).toBeCloseTo(0.1, 14);
  });

  it('one-cycle: up from peak/25 to the peak over 30%, then down to peak/25/1e4', () => {
    const schedule = oneCycleSchedule({ totalSteps: 100, peak: 1 });
    expect(schedule(0)).toBeCloseTo(0.04, 15);
    expect(schedule(15)).toBeCloseTo((0.04 + 1) / 2, 14);
    expect(schedule(30)).toBeCloseTo(1, 15);
    expect(schedule(65)).toBeCloseTo((1 + 4e-6) / 2, 14);
    expect(schedule(100)).toBeCloseTo(4e-6, 18);
    expect(schedule(1000)).toBeCloseTo(4e-6, 18);
  });

  it('piecewise constant: values[i] from boundaries[i − 1] on', () => {
    const schedule = piecewiseConstantSchedule({ boundaries: [10, 20], values: [1, 0.5, 0.1] });
    expect([0, 9, 10, 19, 20, 1000].map(schedule)).toEqual([1, 1, 0.5, 0.5, 0.1, 0.1]);
    expect(() => piecewiseConstantSchedule({ boundaries: [10], values: [1] })).toThrow('piecewiseConstantSchedule: 1 boundaries need 2 values, got 1');
    expect(() => piecewiseConstantSchedule({ boundaries: [10, 5], values: [1, 2, 3] })).toThrow('boundaries must increase');
  });

  it('is read by an optimizer at its step count, starting from 0', () => {
    // Adam's first update is −lr·sign(g); with lr = schedule(step) the steps are 0.1, then 0.05.
    const lr = piecewiseConstantSchedule({ boundaries: [1], values: [0.1, 0.05] });
    const [first] = trajectory(adam({ lr }), [0], [[1], [1]]);
    expect(first[0]).toBeCloseTo(-0.1, 8);
  });

  it('refuses options that make no schedule', () => {
    expect(() => warmupCosineDecaySchedule({ peak: 1, warmupSteps: 10, decaySteps: 10 })).toThrow(
      'warmupCosineDecaySchedule: decaySteps must be a whole number >= 11, got 10',
    );
    expect(() => stepDecaySchedule({ initial: 1, factor: 0.5, stepSize: 0 })).toThrow('stepDecaySchedule: stepSize must be a whole number >= 1, got 0');
    expect(() => oneCycleSchedule({ totalSteps: 10, peak: 1, pctStart: 1 })).toThrow('leaves no rising or no falling phase');
  });
});
