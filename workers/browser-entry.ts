// Web Worker entry: the protocol loop with the library's batch function.
import { batchFn } from './batchFn.js';
import { serve } from './serve.js';
import type { FromWorker, ToWorker } from './protocol.js';

interface WorkerScope {
  postMessage(msg: FromWorker, options?: { transfer?: ArrayBuffer[] }): void;
  onmessage: ((ev: MessageEvent<ToWorker>) => void) | null;
}

const scope = globalThis as unknown as WorkerScope;
serve(
  {
    post: (msg, transfer) => scope.postMessage(msg, transfer ? { transfer } : undefined),
    listen: (handler) => {
      scope.onmessage = (ev) => handler(ev.data);
    },
  },
  batchFn,
);
