// What a plugin author runs: the testkit's conformance checks on every activation of the plugin.
import { testActivation } from '@keel/testkit/vitest';
import { swishBetaPlugin } from '../src/index.js';

// One suite for the registered entry, one per configuration, each titled with it.
testActivation(swishBetaPlugin, 'acme/swishBeta', { configs: [{}, { beta: 4 }, { beta: 0.5 }] });
