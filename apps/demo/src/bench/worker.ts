// The speed page's worker: puts the asked-for backend and thread count in place (before the
// clock, as `keel bench` does), loads MNIST, runs the timed epoch and reports it. One run each.
import { setWasmThreads } from '@keel/backend-wasm';
import { defaultRegistry } from '@keel/registry';
import { chooseBackend } from '../shared/backend.js';
import { messageOf } from '../shared/errors.js';
import { loadMnist } from '../shared/mnist.js';
import { timedEpoch } from './epoch.js';
import type { EpochResult, FromBenchWorker, RunRequest } from './protocol.js';

const post = (message: FromBenchWorker): void => (self as unknown as { postMessage(message: FromBenchWorker): void }).postMessage(message);

async function run(request: RunRequest): Promise<EpochResult> {
  post({ type: 'progress', text: `Starting the '${request.backend}' backend…` });
  // Set before the backend exists, so its workers start once, and chooseBackend waits for them.
  if (request.backend === 'wasm') setWasmThreads(request.threads);
  const backend = await chooseBackend(request.backend);
  // chooseBackend falls back to 'js'; a benchmark must say so instead of timing the wrong thing.
  if (backend.name !== request.backend) throw new Error(`the '${request.backend}' backend cannot run here: ${backend.note ?? 'unknown reason'}`);
  post({ type: 'progress', text: 'Loading MNIST…' });
  const mnist = await loadMnist(request.dataUrl);
  post({ type: 'progress', text: `Training one epoch (${mnist.train.count.toLocaleString('en-US')} images)…` });
  const measure = await timedEpoch(mnist, defaultRegistry);
  return {
    backend: backend.name,
    threads: backend.threads ?? 1,
    ...(backend.note !== undefined ? { threadNote: backend.note } : {}),
    seconds: measure.seconds,
    samples: mnist.train.count,
    samplesPerSecond: mnist.train.count / measure.seconds,
    batches: measure.batches,
    testAccuracy: measure.testAccuracy,
    loadSeconds: mnist.seconds,
  };
}

self.addEventListener('message', (event: MessageEvent<RunRequest>) => {
  run(event.data).then(
    (result) => post({ type: 'result', result }),
    (error: unknown) => post({ type: 'error', message: messageOf(error) }),
  );
});
