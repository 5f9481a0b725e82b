// trainUNet batches from worker_threads: `trainUNet({ ..., batchSource: nodePoolBatchSource() })`.
import { createNodeBatchPool } from './node.js';
import { fromPool, poolOptions } from './trainerSource.js';
import type { BatchSource, BatchSourceContext, PoolSourceOptions } from './trainerSource.js';

/** A trainer `batchSource` that makes trainUNet's batches in worker_threads (Node). */
export function nodePoolBatchSource(
  o: PoolSourceOptions & { workerUrl?: URL | string } = {},
): (ctx: BatchSourceContext) => BatchSource {
  const { onClose, ...pool } = o;
  return (ctx) => fromPool(createNodeBatchPool({ ...poolOptions(ctx), ...pool }), onClose);
}
