// Starting one worker thread running worker.js: a Web Worker in browsers (written in the form
// bundlers recognise, so Vite bundles worker.js), a worker_threads Worker in Node (unref'd: it
// never keeps the process alive).
import type { WorkerInit } from './control.js';
import { isNode, loadNodeBuiltin, nodeBuiltin } from './thread-support.js';

export interface SpawnedWorker {
  terminate(): void;
}

interface NodeWorker {
  unref(): void;
  on(event: 'error', listener: (error: Error) => void): void;
  terminate(): Promise<number>;
}

interface WorkerThreads {
  Worker: new (url: URL, options: { workerData: WorkerInit }) => NodeWorker;
}

// A variable, not a literal: a literal `new URL('./worker.js', import.meta.url)` here would make
// Vite copy worker.js as an asset for this Node-only path.
const NODE_WORKER_FILE = './worker.js';

function spawnNode(threads: WorkerThreads, init: WorkerInit, onError: (message: string) => void): SpawnedWorker {
  const worker = new threads.Worker(new URL(NODE_WORKER_FILE, import.meta.url), { workerData: init });
  worker.unref();
  worker.on('error', (error) => onError(error.message));
  return { terminate: () => void worker.terminate() };
}

function spawnBrowser(init: WorkerInit, onError: (message: string) => void): SpawnedWorker {
  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  worker.onerror = (event) => {
    event.preventDefault();
    onError(event.message || 'the worker script failed to load');
  };
  worker.postMessage(init);
  return worker;
}

/**
 * Starts a worker for `init`. Synchronous in browsers and in Node ≥ 20.16; older Node loads
 * worker_threads first (a promise). `onError` hears why a worker failed to start or died.
 */
export function spawnWorker(init: WorkerInit, onError: (message: string) => void): SpawnedWorker | Promise<SpawnedWorker> {
  if (!isNode()) return spawnBrowser(init, onError);
  const threads = nodeBuiltin<WorkerThreads>('node:worker_threads');
  if (threads !== undefined) return spawnNode(threads, init, onError);
  return loadNodeBuiltin<WorkerThreads>('node:worker_threads').then((loaded) => spawnNode(loaded, init, onError));
}
