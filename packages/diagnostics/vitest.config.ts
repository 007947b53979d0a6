import { keelProject } from '../../vitest.shared.js';

export default keelProject('diagnostics');
