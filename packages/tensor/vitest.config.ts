import { keelProject } from '../../vitest.shared.js';

// --expose-gc lets the memory test collect garbage before measuring the heap.
export default keelProject('tensor', { execArgv: ['--expose-gc'] });
