// What a plugin author runs: the testkit's conformance checks on every activation of the plugin.
import { testActivation } from '@keel/testkit/vitest';
import { swishBetaPlugin } from '../src/index.js';

testActivation(swishBetaPlugin);
testActivation(swishBetaPlugin, { config: { beta: 4 } });
testActivation(swishBetaPlugin, { config: { beta: 0.5 } });
