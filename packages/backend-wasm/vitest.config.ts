import { keelProject } from '../../vitest.shared.js';

// The set-up compiles the AssemblyScript kernels when they are missing or stale, so the tests run
// from source without a build; --expose-gc lets the memory test collect garbage before measuring.
export default keelProject('backend-wasm', { globalSetup: ['./test/global-setup.ts'], execArgv: ['--expose-gc'] });
