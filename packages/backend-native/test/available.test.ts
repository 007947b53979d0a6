// Under CI the set-up installs OpenBLAS and builds the addon, so an unavailable 'native' backend is
// a broken set-up, not a machine without a compiler: fail, naming why, instead of skipping every
// native test. Elsewhere the native tests skip, saying why in their titles.
import { describe, expect, it } from 'vitest';
import { skipReason } from './helpers.js';

const underCi = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';

describe("the 'native' backend under CI", () => {
  it.runIf(underCi)('is available (the set-up builds it; CI=true makes its absence a failure)', () => {
    expect(skipReason, `the native addon is unavailable: ${skipReason ?? ''}`).toBeUndefined();
  });
});
