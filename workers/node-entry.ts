// Worker-thread entry: the protocol loop with the library's batch function.
import { parentPort } from 'node:worker_threads';
import { batchFn } from './batchFn.js';
import { serve } from './serve.js';
import type { ToWorker } from './protocol.js';

const port = parentPort;
if (!port) throw new Error('node-entry.js must run in a worker thread');
serve(
  {
    post: (msg, transfer) => port.postMessage(msg, transfer),
    listen: (handler) => port.on('message', (m: ToWorker) => handler(m)),
  },
  batchFn,
);
