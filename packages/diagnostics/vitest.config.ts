import { keelProject } from '../../vitest.shared.js';

export default keelProject('diagnostics', { testTimeout: 120_000 });
