// The page's side of the worker: typed messages out, handlers per message type in.
import type { FromWorker, ToWorker } from '../protocol.js';

type Handler<T extends FromWorker['type']> = (message: Extract<FromWorker, { type: T }>) => void;

export class WorkerClient {
  private readonly worker: Worker;
  private readonly handlers = new Map<string, ((message: FromWorker) => void)[]>();

  constructor(onCrash: (message: string) => void) {
    this.worker = new Worker(new URL('../worker/main.ts', import.meta.url), { type: 'module', name: 'keel-mnist' });
    this.worker.addEventListener('message', (event: MessageEvent<FromWorker>) => {
      for (const handler of this.handlers.get(event.data.type) ?? []) handler(event.data);
    });
    this.worker.addEventListener('error', (event) => onCrash(event.message || 'the training worker failed to start'));
    this.worker.addEventListener('messageerror', () => onCrash('a message from the training worker could not be read'));
  }

  send(message: ToWorker, transfer: Transferable[] = []): void {
    this.worker.postMessage(message, transfer);
  }

  on<T extends FromWorker['type']>(type: T, handler: Handler<T>): void {
    const list = this.handlers.get(type) ?? [];
    list.push(handler as (message: FromWorker) => void);
    this.handlers.set(type, list);
  }
}
