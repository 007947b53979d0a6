import { keelProject } from '../../vitest.shared.js';

// The tests run the built CLI as subprocesses (MNIST training among them): give each one time.
export default keelProject('cli', { testTimeout: 60_000 });
