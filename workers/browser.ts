// Browser adapter: the pool's workers are module Web Workers running the bundled `browser-entry.js`.
import { BatchPool } from './pool.js';
import type { BatchPoolOptions, WorkerHandle } from './pool.js';
import type { BatchRecord, FromWorker } from './protocol.js';

/** Options of `createBrowserBatchPool`. */
export interface BrowserBatchPoolOptions extends Omit<BatchPoolOptions, 'workers'> {
  /** Default: hardwareConcurrency - 1, at least 1 and at most 4. */
  workers?: number;
  /** URL of the bundled worker script (an ES module). */
  workerUrl: URL | string;
}

/** Default worker count: leave one core to the trainer. */
export function defaultBrowserWorkers(): number {
  const cores = globalThis.navigator?.hardwareConcurrency ?? 2;
  return Math.max(1, Math.min(4, cores - 1));
}

function browserHandle(url: URL | string): WorkerHandle {
  const worker = new Worker(url, { type: 'module' });
  return {
    post: (msg) => worker.postMessage(msg),
    listen(onMessage, onFailure) {
      worker.onmessage = (ev: MessageEvent<FromWorker>) => onMessage(ev.data);
      worker.onerror = (ev: ErrorEvent) => {
        ev.preventDefault();
        onFailure(new Error(ev.message || `the worker script ${String(url)} failed to load or crashed`));
      };
      worker.onmessageerror = () => onFailure(new Error('a worker message could not be deserialized'));
    },
    terminate() {
      worker.terminate();
      return Promise.resolve();
    },
  };
}

/** Starts a pool of Web Workers that compute batches ahead of the trainer. */
export function createBrowserBatchPool<B extends BatchRecord = BatchRecord>(
  options: BrowserBatchPoolOptions,
): BatchPool<B> {
  const workers = options.workers ?? defaultBrowserWorkers();
  return new BatchPool<B>(() => browserHandle(options.workerUrl), { ...options, workers });
}
