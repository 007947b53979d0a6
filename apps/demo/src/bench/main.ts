// The speed page: runs the `keel bench` MLP epoch in a fresh worker per click and shows what it
// measured — in a table, and the latest run as data-* attributes of #bench-result for scripts
// (the test and bench/run.mjs): data-status (idle, running, done, failed), data-run (a counter),
// data-backend, data-threads, data-seconds, data-samples-per-second, data-accuracy, data-error.
import { wasmThreadsUnavailableReason } from '@keel/backend-wasm';
import { byId, el } from '../shared/dom.js';
import { installErrorBanner, showError } from '../shared/errors.js';
import { count, pct } from '../shared/format.js';
import { mnistDataUrl } from '../shared/mnist.js';
import type { BenchBackend, EpochResult, FromBenchWorker, RunRequest } from './protocol.js';

/** setWasmThreads refuses more than @keel/backend-wasm's limit (MAX_THREADS, not exported). */
const WASM_MAX_THREADS = 64;

installErrorBanner(byId('error-banner'));
const result = byId('bench-result');
const progress = byId('bench-progress');
const buttons = [...document.querySelectorAll<HTMLButtonElement>('button[data-backend]')];
const allThreads = Math.max(1, Math.min(navigator.hardwareConcurrency || 1, WASM_MAX_THREADS));
let runs = 0;

const noThreads = wasmThreadsUnavailableReason();
byId('bench-env').textContent = `This browser reports ${allThreads} logical cores (navigator.hardwareConcurrency) and is ${crossOriginIsolated ? '' : 'not '}cross-origin isolated${noThreads === undefined ? '.' : `: wasm threads cannot run (${noThreads}).`}`;
byId('run-wasm-all', HTMLButtonElement).dataset.threads = String(allThreads);
byId('run-wasm-all', HTMLButtonElement).textContent = `wasm · ${allThreads} thread${allThreads === 1 ? '' : 's'}`;

function show(r: EpochResult): void {
  Object.assign(result.dataset, { status: 'done', backend: r.backend, threads: String(r.threads), seconds: String(r.seconds), samplesPerSecond: String(r.samplesPerSecond), accuracy: String(r.testAccuracy) });
  byId('result-backend').textContent = r.backend;
  byId('result-threads').textContent = String(r.threads);
  byId('result-seconds').textContent = `${r.seconds.toFixed(2)} s`;
  byId('result-rate').textContent = count(Math.round(r.samplesPerSecond));
  byId('result-accuracy').textContent = pct(r.testAccuracy, 2);
  byId('bench-runs').append(el('tr', {}, el('td', {}, String(runs)), el('td', {}, r.backend), el('td', {}, String(r.threads)), el('td', {}, r.seconds.toFixed(2)), el('td', {}, count(Math.round(r.samplesPerSecond))), el('td', {}, pct(r.testAccuracy, 2)), el('td', {}, r.loadSeconds.toFixed(1))));
  progress.textContent = `Run ${runs}: ${count(r.samples)} images (${r.batches} batches) in ${r.seconds.toFixed(2)} s.${r.threadNote !== undefined ? ` Note: ${r.threadNote}` : ''}`;
}

function finish(worker: Worker, failure?: string): void {
  // Ends the worker and its wasm threads: each run starts from nothing.
  worker.terminate();
  for (const button of buttons) button.disabled = false;
  if (failure === undefined) return;
  result.dataset.status = 'failed';
  result.dataset.error = failure;
  progress.textContent = `Run ${runs} failed.`;
  showError(`Run ${runs}`, failure);
}

function start(backend: BenchBackend, threads: number): void {
  runs++;
  for (const button of buttons) button.disabled = true;
  for (const key of Object.keys(result.dataset)) delete result.dataset[key];
  Object.assign(result.dataset, { status: 'running', run: String(runs), backend, threads: String(threads) });
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: `keel-bench-${runs}` });
  worker.addEventListener('message', (event: MessageEvent<FromBenchWorker>) => {
    const message = event.data;
    if (message.type === 'progress') progress.textContent = `Run ${runs}: ${message.text}`;
    else if (message.type === 'result') {
      show(message.result);
      finish(worker);
    } else finish(worker, message.message);
  });
  worker.addEventListener('error', (event) => finish(worker, event.message || 'the benchmark worker failed to start'));
  const request: RunRequest = { type: 'run', backend, threads, dataUrl: mnistDataUrl() };
  worker.postMessage(request);
}

for (const button of buttons) {
  button.addEventListener('click', () => start(button.dataset.backend as BenchBackend, Number(button.dataset.threads ?? 1)));
  button.disabled = false;
}
result.dataset.status = 'idle';
