import { createHash } from 'node:crypto';
import { it, expect } from 'vitest';
import { sha256Hex } from '../src/save/sha256.js';
it('sha256Hex matches node:crypto (empty, one block, block edges, multi-byte UTF-8)', () => { for (const s of ['', 'abc', 'a'.repeat(55), 'a'.repeat(56), 'a'.repeat(64), 'é'.repeat(1000)]) expect(sha256Hex(s)).toBe(createHash('sha256').update(s).digest('hex')); });
