import { keelProject } from '../../vitest.shared.js';

// The tests run the built CLI as subprocesses (MNIST training among them); the shared hang guard gives them time.
export default keelProject('cli');
