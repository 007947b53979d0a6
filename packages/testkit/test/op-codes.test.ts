import { describe, expect, it } from 'vitest';
import { camelCase, cEnumCodes, constantCodes, opCodeDrift } from '../src/index.js';

const cSource = `
// unary op codes
enum {
  NEG, ABS, IS_FINITE,
  COPY, UNARY_COUNT
};
enum { ADD, SUB, BINARY_COUNT };
`;

const asSource = `
// unary op codes
export const NEG = 0;
export const ABS = 1;
/** a helper */
export const COPY = 2;

const OTHER = 0;
`;

describe('op code drift', () => {
  it('reads C enums and constant blocks by camelCase name', () => {
    expect(camelCase('MAX_POOL_GRAD')).toBe('maxPoolGrad');
    expect(cEnumCodes(cSource, 'NEG')).toEqual({ neg: 0, abs: 1, isFinite: 2, copy: 3 });
    expect(cEnumCodes(cSource, 'ADD')).toEqual({ add: 0, sub: 1 });
    expect(constantCodes(asSource, 'NEG')).toEqual({ neg: 0, abs: 1, copy: 2 });
    expect(() => cEnumCodes(cSource, 'NOPE')).toThrow(/no enum starting with NOPE/);
    expect(() => constantCodes(asSource, 'NOPE')).toThrow(/no constant NOPE/);
  });

  it('names every drift: a moved code, a missing op, an op outside the table', () => {
    const ops = ['neg', 'abs', 'isFinite'];
    expect(opCodeDrift('unary', { neg: 0, abs: 1, isFinite: 2, copy: 3 }, cEnumCodes(cSource, 'NEG'), ops, ['copy'])).toEqual([]);
    expect(opCodeDrift('unary', { neg: 0, abs: 2, isFinite: 1, copy: 3 }, cEnumCodes(cSource, 'NEG'), ops, ['copy'])).toEqual([
      "unary: 'abs' is code 2 in TypeScript but 1 in the native source",
      "unary: 'isFinite' is code 1 in TypeScript but 2 in the native source",
    ]);
    expect(opCodeDrift('unary', { neg: 0, abs: 1 }, { neg: 0, abs: 1, absolute: 2 }, ops)).toEqual([
      "unary: 'absolute' (code 2 in the native source) is not in TypeScript",
      "unary: 'absolute' is not an op of the table (neg, abs, isFinite) nor a helper code",
    ]);
  });
});
