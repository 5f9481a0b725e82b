// Node adapter: the pool's workers are worker_threads running the bundled `node-entry.js`.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { BatchPool } from './pool.js';
import type { BatchPoolOptions, WorkerHandle } from './pool.js';
import type { BatchRecord, FromWorker } from './protocol.js';

/** Options of `createNodeBatchPool`. */
export interface NodeBatchPoolOptions extends Omit<BatchPoolOptions, 'workers'> {
  /** Default: the free cores, at least 1 and at most 4. */
  workers?: number;
  /** The worker script (JavaScript). Default: `node-entry.js` next to this module in dist/workers. */
  workerUrl?: URL | string;
}

/** Default worker count: leave one core to the trainer. */
export function defaultNodeWorkers(): number {
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}

function nodeHandle(url: URL | string): WorkerHandle {
  const worker = new Worker(url);
  let stopping = false;
  let exited = false;
  const gone = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    post: (msg) => worker.postMessage(msg),
    listen(onMessage, onFailure) {
      worker.on('message', (m: FromWorker) => onMessage(m));
      worker.on('error', (e: Error) => onFailure(e));
      worker.on('messageerror', (e: Error) => onFailure(e));
      worker.on('exit', (code) => {
        exited = true;
        if (!stopping) onFailure(new Error(`the worker thread exited unexpectedly with code ${code}`));
      });
    },
    async terminate() {
      stopping = true;
      if (!exited) await worker.terminate();
      await gone;
    },
  };
}

/** Starts a pool of worker_threads that compute batches ahead of the trainer. */
export function createNodeBatchPool<B extends BatchRecord = BatchRecord>(
  options: NodeBatchPoolOptions,
): BatchPool<B> {
  const url = options.workerUrl ?? new URL('./node-entry.js', import.meta.url);
  const workers = options.workers ?? defaultNodeWorkers();
  return new BatchPool<B>(() => nodeHandle(url), { ...options, workers });
}
