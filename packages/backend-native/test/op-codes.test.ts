// The op codes TypeScript sends to the C kernels (src/kernels/codes.ts) must be the C enums'
// (native/*.c) and name ops of @keel/tensor's op table: any drift fails here, before a kernel
// silently computes another op.
import { readFileSync } from 'node:fs';
import { BINARY_OPS, FUSED_ACTIVATIONS, REDUCE_OPS, UNARY_OPS, WINDOW_OPS } from '@keel/tensor';
import { cEnumCodes, opCodeDrift } from '@keel/testkit';
import { describe, expect, it } from 'vitest';
import { Activation, Binary, Reduce, Unary, WindowOp } from '../src/kernels/codes.js';

const source = (file: string): string => readFileSync(new URL(`../native/${file}`, import.meta.url), 'utf8');

describe('the op codes of the C kernels', () => {
  const families = [
    { family: 'unary (native/unary.c)', typescript: Unary, native: cEnumCodes(source('unary.c'), 'NEG'), ops: UNARY_OPS, helpers: ['copy'] },
    { family: 'binary (native/binary.c)', typescript: Binary, native: cEnumCodes(source('binary.c'), 'ADD'), ops: BINARY_OPS, helpers: [] },
    { family: 'reduce (native/reduce.c)', typescript: Reduce, native: cEnumCodes(source('reduce.c'), 'SUM'), ops: REDUCE_OPS, helpers: [] },
    { family: 'window (native/conv.c)', typescript: WindowOp, native: cEnumCodes(source('conv.c'), 'IM2COL'), ops: WINDOW_OPS, helpers: [] },
    { family: 'activation (native/activation.c)', typescript: Activation, native: cEnumCodes(source('activation.c'), 'LINEAR'), ops: FUSED_ACTIVATIONS, helpers: [] },
  ];
  for (const { family, typescript, native, ops, helpers } of families) {
    it(`${family}: the same codes on both sides, each an op of the table`, () => {
      expect(opCodeDrift(family, typescript, native, ops, helpers)).toEqual([]);
    });
  }

  it('every unary and binary op of the table has a C code (the kernels cover the families)', () => {
    expect(UNARY_OPS.filter((op) => !(op in Unary))).toEqual([]);
    expect(BINARY_OPS.filter((op) => !(op in Binary))).toEqual([]);
  });
});
