// trainUNet batches from Web Workers (see trainerSource.ts for the proposed trainer hook).
import { createBrowserBatchPool } from './browser.js';
import { fromPool, poolOptions } from './trainerSource.js';
import type { BatchSource, BatchSourceContext, PoolSourceOptions } from './trainerSource.js';

/** A `batchSource` that makes trainUNet's batches in Web Workers (`workerUrl`: the bundled batch-worker.js). */
export function browserPoolBatchSource(
  o: PoolSourceOptions & { workerUrl: URL | string },
): (ctx: BatchSourceContext) => BatchSource {
  return (ctx) => fromPool(createBrowserBatchPool({ ...poolOptions(ctx), ...o }));
}
