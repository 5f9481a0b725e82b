// The pool as trainUNet's `batchSource`: the trainer hands over its resolved context (stack,
// tile, augmentation, weights and the `plan` of every (epoch, step)), the pool makes the batches
// ahead in workers, and the trainer closes it when the run ends. Only types come from src/, so the
// bundled node-source.js / browser.js stay small and load no second copy of the library.
import type { Batch, BatchSource, BatchSourceContext } from '../src/train/index.js';
import type { PoolBatchArgs, PoolBatchOptions } from './batchFn.js';
import type { BatchPool, BatchPoolStats } from './pool.js';

export type { BatchSource, BatchSourceContext };

/** Options of `nodePoolBatchSource` / `browserPoolBatchSource`. */
export interface PoolSourceOptions {
  /** Default: free cores, 1 to 4. */
  workers?: number;
  /** Batches kept ready or computing ahead of the trainer. Default: 2 x workers. */
  prefetch?: number;
  /** A batch that takes longer fails the run. Default 300 000 ms. */
  batchTimeoutMs?: number;
  /** Called with the pool's statistics when the trainer closes the source. */
  onClose?: (stats: BatchPoolStats) => void;
}

/** A trainer `BatchSource` over a pool: batch (epoch, step) of the request, closed with the run. */
export function fromPool(
  pool: BatchPool<Batch & Record<string, unknown>>,
  onClose?: (stats: BatchPoolStats) => void,
): BatchSource {
  return {
    batch: (req) => pool.batch(req.epoch, req.step),
    close: async () => {
      await pool.close();
      onClose?.(pool.stats());
    },
  };
}

/** Pool options for a trainer context: its stack, tile, augmentation, weights and batch plan. */
export function poolOptions(ctx: BatchSourceContext): {
  stack: { images: Float32Array; labels: Uint8Array; shape: [number, number, number]; channels: number };
  batchOptions: PoolBatchOptions;
  plan: (epoch: number, index: number) => PoolBatchArgs;
  stepsPerEpoch: number;
  epochs: number;
} {
  const { stack } = ctx;
  return {
    stack: {
      images: stack.data,
      labels: ctx.labels,
      shape: [stack.count, stack.height, stack.width],
      channels: stack.channels ?? 1,
    },
    batchOptions: { tile: ctx.tile, augment: ctx.augment, weights: ctx.weights },
    plan: (epoch, index) => {
      const { indices, seed } = ctx.plan(epoch, index);
      return { indices, seed };
    },
    stepsPerEpoch: ctx.stepsPerEpoch,
    epochs: ctx.epochs,
  };
}
