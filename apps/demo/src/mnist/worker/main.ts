// The MNIST worker: loads the data, trains, answers predictions, saves and loads models. The
// page never freezes, because everything heavy happens here.
import { lrFinder } from '@keel/diagnostics';
import type { Sequential } from '@keel/layers';
import { defaultRegistry } from '@keel/registry';
import { tensor } from '@keel/tensor';
import { encodeModelBundle, loadModelFromBundle, loadModelFromIndexedDB, modelBundleFileName, predict, saveModelToIndexedDB, type LoadedModel } from '@keel/train';
import { chooseBackend, describeBackend } from '../../shared/backend.js';
import { messageOf } from '../../shared/errors.js';
import type { FromWorker, ToWorker, TrainConfig } from '../protocol.js';
import { effectiveSetup } from '../setup.js';
import { loadMnist, type Mnist } from '../../shared/mnist.js';
import { runData, TRAIN_COUNT, VALIDATION_COUNT } from './data.js';
import { buildModel, modelInfo } from './model.js';
import { Session } from './session.js';

const scope = self as unknown as { postMessage(message: FromWorker, transfer?: Transferable[]): void; crossOriginIsolated?: boolean };
const post = (message: FromWorker, transfer: Transferable[] = []): void => scope.postMessage(message, transfer);

let mnist: Mnist | undefined;
let session: Session | undefined;
/** The model predictions use: the last trained (or training) one, or one loaded from storage. */
let current: { model: Sequential; pixelScale: number; source: string; config?: TrainConfig } | undefined;

function requireData(): Mnist {
  if (mnist === undefined) throw new Error('MNIST has not finished loading yet');
  return mnist;
}

function requireModel(): NonNullable<typeof current> {
  if (current === undefined) throw new Error('there is no model yet: train one, or load a saved one');
  return current;
}

function idle(what: string): void {
  if (session?.running === true) throw new Error(`${what} is not possible while training runs; stop it first`);
}

function use(loaded: LoadedModel, source: string): void {
  const scale = (loaded.preprocessing as { pixelScale?: unknown } | undefined)?.pixelScale;
  current = { model: loaded.model, pixelScale: typeof scale === 'number' ? scale : 1 / 255, source };
  post({ type: 'model', info: modelInfo(current.model, current.pixelScale, source) });
}

/** What is saved beside the weights: the pixel scaling predictions need, and the set-up it was trained with. */
function extras(): Parameters<typeof saveModelToIndexedDB>[2] {
  const { pixelScale, config } = requireModel();
  return { preprocessing: { pixelScale }, training: config === undefined ? {} : { config: JSON.parse(JSON.stringify(config)) as unknown } };
}

/** Softmax of one row of logits, in float64. */
function softmax(logits: ArrayLike<number>): number[] {
  const max = Math.max(...Array.from(logits));
  const exps = Array.from(logits, (v) => Math.exp(v - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case 'init': {
      post({ type: 'state', state: 'loading' });
      const backend = await chooseBackend(message.backend);
      mnist = await loadMnist(message.dataUrl);
      post({
        type: 'ready',
        backend: backend.name,
        backendLabel: describeBackend(backend),
        ...(backend.note !== undefined ? { note: backend.note } : {}),
        isolated: scope.crossOriginIsolated === true,
        loadSeconds: mnist.seconds,
        trainCount: TRAIN_COUNT,
        validationCount: VALIDATION_COUNT,
        testCount: mnist.test.count,
      });
      post({ type: 'state', state: 'idle' });
      return;
    }
    case 'train': {
      idle('Starting another run');
      const setup = effectiveSetup(message.config);
      session = new Session(message.config, setup, runData(requireData(), setup), post);
      current = { model: session.model, pixelScale: setup.normalize ? 1 / 255 : 1, source: 'this training run', config: message.config };
      post({ type: 'model', info: modelInfo(current.model, current.pixelScale, current.source) });
      await session.run();
      return;
    }
    case 'pause':
      return session?.pause();
    case 'resume':
      return session?.resume();
    case 'stop':
      return session?.stop();
    case 'lr-finder': {
      idle('The LR finder');
      const setup = effectiveSetup(message.config);
      const data = runData(requireData(), setup);
      // On a fresh model of the set-up (its weights are restored afterwards anyway).
      const model = buildModel(message.config, setup);
      const result = await lrFinder(model, data.train, { loss: setup.loss, optimizer: { id: setup.optimizer.id, ...(setup.optimizer.momentum !== undefined ? { momentum: setup.optimizer.momentum } : {}) }, batchSize: message.config.batchSize, seed: message.config.seed });
      post({ type: 'lr-finder', result, optimizer: message.config.optimizer });
      return;
    }
    case 'predict': {
      const { model, pixelScale } = requireModel();
      const run = (): void => {
        const x = tensor(message.pixels.map((v) => v * 255 * pixelScale), [1, 784]);
        const logits = predict(model, x).values;
        if (session?.running === true) model.train(); // predict leaves it in evaluation mode
        const probabilities = softmax(logits);
        if (probabilities.some((p) => !Number.isFinite(p))) throw new Error(`the model's outputs are not finite (${Array.from(logits).slice(0, 3).join(', ')}, …)`);
        post({ type: 'prediction', id: message.id, probabilities });
      };
      // While training runs, predict between two steps (see Session.whenSafe).
      if (session !== undefined) session.whenSafe(() => guarded('Prediction', run));
      else run();
      return;
    }
    case 'test-image': {
      const { test } = requireData();
      const index = ((message.index % test.count) + test.count) % test.count;
      const pixels = test.images.slice(index * 784, (index + 1) * 784);
      post({ type: 'test-image', index, label: test.labels[index], pixels }, [pixels.buffer]);
      return;
    }
    case 'save': {
      await saveModelToIndexedDB(requireModel().model, message.key, extras());
      post({ type: 'saved', key: message.key });
      return;
    }
    case 'load': {
      idle('Loading a model');
      use(await loadModelFromIndexedDB(message.key, defaultRegistry), `saved in this browser ('${message.key}')`);
      return;
    }
    case 'export': {
      const { model } = requireModel();
      const bytes = encodeModelBundle(model, extras());
      // Transfer exactly the bundle's bytes (a view may sit inside a larger buffer).
      const buffer = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes.buffer : bytes.slice().buffer;
      post({ type: 'exported', bytes: buffer, fileName: modelBundleFileName(model) }, [buffer]);
      return;
    }
    case 'import': {
      idle('Loading a model');
      use(loadModelFromBundle(new Uint8Array(message.bytes), defaultRegistry, message.name), `file ${message.name}`);
      return;
    }
  }
}

const CONTEXT: Record<ToWorker['type'], string> = {
  init: 'Starting the worker',
  train: 'Training',
  pause: 'Pausing',
  resume: 'Resuming',
  stop: 'Stopping',
  'lr-finder': 'The LR finder',
  predict: 'Prediction',
  'test-image': 'Reading a test image',
  save: 'Saving the model',
  load: 'Loading the saved model',
  export: 'Preparing the download',
  import: 'Loading the model file',
};

function guarded(context: string, job: () => void): void {
  try {
    job();
  } catch (error) {
    post({ type: 'error', context, message: messageOf(error) });
  }
}

self.addEventListener('message', (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  handle(message).catch((error: unknown) => post({ type: 'error', context: CONTEXT[message.type], message: messageOf(error) }));
});
