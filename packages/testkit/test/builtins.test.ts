// Every built-in activation and layer passes the same conformance checks a plugin author runs.
import { activationsPlugin } from '@keel/activations';
import { ActivationLayer, AvgPool2D, BatchNorm, Conv2D, Dense, Dropout, Flatten, LayerNorm, MaxPool2D, Reshape } from '@keel/layers';
import { testActivation, testLayer } from '../src/vitest.js';

testActivation(activationsPlugin);
testActivation(activationsPlugin, 'leakyRelu', { config: { alpha: 0.2 } });
testActivation(activationsPlugin, 'gelu', { config: { approximate: 'tanh' } });

testLayer(() => new Dense({ units: 5, activation: 'tanh' }), { inputShape: [4] });
testLayer(() => new Dense({ units: 3, activation: 'relu' }), { inputShape: [6] });
testLayer(() => new ActivationLayer({ activation: 'softmax' }), { inputShape: [5] });
testLayer(() => new Dropout({ rate: 0.3 }), { inputShape: [6], evalMode: true });
testLayer(() => new BatchNorm(), { inputShape: [4], evalMode: true });
testLayer(() => new LayerNorm(), { inputShape: [5] });
testLayer(() => new Flatten(), { inputShape: [2, 3] });
testLayer(() => new Reshape({ targetShape: [3, -1] }), { inputShape: [6] });
testLayer(() => new Conv2D({ filters: 2, kernelSize: 3, padding: 'same', activation: 'tanh' }), { inputShape: [5, 5, 2] });
testLayer(() => new MaxPool2D({ poolSize: 2 }), { inputShape: [4, 4, 2] });
testLayer(() => new AvgPool2D({ poolSize: 2, strides: 1 }), { inputShape: [4, 4, 1] });
