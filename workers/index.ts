// The augmentation worker pool: one protocol, two thin adapters (worker_threads, Web Workers).
export { BatchPool, WorkerPoolError, shareStack } from './pool.js';
export type { BatchPoolOptions, BatchPoolStats, WorkerHandle } from './pool.js';
export { serve } from './serve.js';
export type { BatchFn, WorkerPort } from './serve.js';
export type {
  BatchArray,
  BatchJob,
  BatchRecord,
  StackData,
  ToWorker,
  FromWorker,
  WireError,
} from './protocol.js';
