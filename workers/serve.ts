// The worker side of the protocol, written once for both worker_threads and Web Workers.
// A worker holds the stacks it got at 'init' and answers each 'batch' request with a freshly
// computed batch whose buffers are transferred (moved, not copied) back to the pool.
import { toWireError, transferables } from './protocol.js';
import type { BatchJob, BatchRecord, FromWorker, StackData, ToWorker } from './protocol.js';

/** Computes one batch; must depend only on its arguments. */
export type BatchFn = (stack: StackData, options: unknown, job: BatchJob) => BatchRecord;

/** The few things the worker side needs from its host (parentPort or the Web Worker global). */
export interface WorkerPort {
  post(msg: FromWorker, transfer?: ArrayBuffer[]): void;
  listen(handler: (msg: ToWorker) => void): void;
}

/** Runs the worker loop on `port` with `makeBatch`. */
export function serve(port: WorkerPort, makeBatch: BatchFn): void {
  let stack: StackData | null = null;
  let options: unknown = null;
  port.listen((msg) => {
    switch (msg.type) {
      case 'init':
        stack = msg.stack;
        options = msg.options;
        port.post({ type: 'ready' });
        return;
      case 'batch': {
        if (stack === null) {
          port.post({
            type: 'error',
            id: msg.id,
            error: { name: 'WorkerPoolError', message: 'batch requested before init' },
          });
          return;
        }
        let batch: BatchRecord;
        try {
          batch = makeBatch(stack, options, msg.job);
        } catch (e) {
          port.post({ type: 'error', id: msg.id, error: toWireError(e) });
          return;
        }
        const reply: FromWorker = { type: 'batch', id: msg.id, batch };
        try {
          port.post(reply, transferables(batch));
        } catch {
          // A buffer that cannot be detached (e.g. WASM memory): fall back to a copy.
          port.post(reply);
        }
        return;
      }
    }
  });
  // A Web Worker drops messages that arrive before its module (with the WASM kernels' top-level
  // await) has finished loading, so the pool sends nothing until it hears this.
  port.post({ type: 'loaded' });
}
