// trainUNet batches from worker_threads (see trainerSource.ts for the proposed trainer hook).
import { createNodeBatchPool } from './node.js';
import { fromPool, poolOptions } from './trainerSource.js';
import type { BatchSource, BatchSourceContext, PoolSourceOptions } from './trainerSource.js';

/** A `batchSource` that makes trainUNet's batches in worker_threads (Node). */
export function nodePoolBatchSource(
  o: PoolSourceOptions & { workerUrl?: URL | string } = {},
): (ctx: BatchSourceContext) => BatchSource {
  return (ctx) => fromPool(createNodeBatchPool({ ...poolOptions(ctx), ...o }));
}
