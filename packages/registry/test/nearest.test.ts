import { describe, expect, it } from 'vitest';
import { editDistance, nearestId } from '../src/index.js';

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and adjacent swaps', () => {
    expect(editDistance('relu', 'relu')).toBe(0);
    expect(editDistance('rleu', 'relu')).toBe(1);
    expect(editDistance('relu', 'elu')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });
});

describe('nearestId', () => {
  it('finds the closest candidate within a typo distance', () => {
    expect(nearestId('sigmiod', ['relu', 'sigmoid', 'tanh'])).toBe('sigmoid');
    expect(nearestId('ADAM', ['adam', 'sgd'])).toBe('adam');
    expect(nearestId('xyz', ['relu', 'sigmoid'])).toBeUndefined();
    expect(nearestId('relu', [])).toBeUndefined();
  });
});
