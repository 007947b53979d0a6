import { keelProject } from '../../vitest.shared.js';

// The set-up builds the addon when it is missing or stale (never failing: without a compiler or
// BLAS the tests that need it skip, saying why), so the tests run from source without a build.
export default keelProject('backend-native', { globalSetup: ['./test/global-setup.ts'] });
