// The op codes TypeScript sends to the AssemblyScript kernels (src/ops.ts) must be the constants
// of assembly/*.ts and name ops of @keel/tensor's op table: any drift fails here, before a kernel
// silently computes another op.
import { readFileSync } from 'node:fs';
import { BINARY_OPS, FUSED_ACTIVATIONS, REDUCE_OPS, UNARY_OPS, WINDOW_OPS } from '@keel/tensor';
import { constantCodes, opCodeDrift } from '@keel/testkit';
import { describe, expect, it } from 'vitest';
import { Activation, Binary, Job, Layout, Reduce, Unary, Window } from '../src/ops.js';

const source = (file: string): string => readFileSync(new URL(`../assembly/${file}`, import.meta.url), 'utf8');

describe('the op codes of the AssemblyScript kernels', () => {
  const families = [
    { family: 'unary (assembly/elementwise.ts)', typescript: Unary, native: constantCodes(source('elementwise.ts'), 'NEG'), ops: UNARY_OPS, helpers: ['copy'] },
    { family: 'binary (assembly/elementwise.ts)', typescript: Binary, native: constantCodes(source('elementwise.ts'), 'ADD'), ops: BINARY_OPS, helpers: ['second'] },
    { family: 'layout (assembly/elementwise.ts)', typescript: Layout, native: constantCodes(source('elementwise.ts'), 'FULL'), ops: [], helpers: Object.keys(Layout) },
    { family: 'reduce (assembly/reduce.ts)', typescript: Reduce, native: constantCodes(source('reduce.ts'), 'SUM'), ops: REDUCE_OPS, helpers: [] },
    { family: 'activation (assembly/fused.ts)', typescript: Activation, native: constantCodes(source('fused.ts'), 'LINEAR'), ops: FUSED_ACTIVATIONS, helpers: [] },
    { family: 'window (assembly/parallel.ts)', typescript: Window, native: constantCodes(source('parallel.ts'), 'IM2COL'), ops: WINDOW_OPS, helpers: [] },
    { family: 'job (assembly/parallel.ts)', typescript: Job, native: constantCodes(source('parallel.ts'), 'GEMM'), ops: [], helpers: Object.keys(Job) },
  ];
  for (const { family, typescript, native, ops, helpers } of families) {
    it(`${family}: the same codes on both sides, each an op of the table`, () => {
      expect(opCodeDrift(family, typescript, native, ops, helpers)).toEqual([]);
    });
  }
});
