// trainUNet batches from Web Workers: `trainUNet({ ..., batchSource: browserPoolBatchSource({ workerUrl }) })`.
import { createBrowserBatchPool } from './browser.js';
import { fromPool, poolOptions } from './trainerSource.js';
import type { BatchSource, BatchSourceContext, PoolSourceOptions } from './trainerSource.js';

/** A trainer `batchSource` that makes trainUNet's batches in Web Workers (`workerUrl`: the bundled browser-entry.js). */
export function browserPoolBatchSource(
  o: PoolSourceOptions & { workerUrl: URL | string },
): (ctx: BatchSourceContext) => BatchSource {
  const { onClose, ...pool } = o;
  return (ctx) => fromPool(createBrowserBatchPool({ ...poolOptions(ctx), ...pool }), onClose);
}
