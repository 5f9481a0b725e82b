// Batch sources for trainUNet backed by the worker pool. PROPOSED HOOK (not yet in trainUNet):
// `TrainOptions.batchSource?: (ctx: BatchSourceContext) => BatchSource`; the trainer would call
// `await source.batch(epoch, step)` instead of `makeBatch(...)` and `source.close()` at the end.
import type { AugmentConfig } from '../src/augment/index.js';
import type { Batch, TileSpec, TrainStack, WeightOptions } from '../src/train/makeBatch.js';
import type { PoolBatchOptions } from './batchFn.js';
import type { BatchPool } from './pool.js';
import { trainerPlan } from './trainerPlan.js';

/** Everything the trainer knows about its batches once it has resolved its options. */
export interface BatchSourceContext {
  stack: TrainStack;
  labels: Uint8Array;
  tile: TileSpec;
  augment: AugmentConfig | false;
  weights: WeightOptions | false;
  /** Training slices (`split.train`). */
  train: readonly number[];
  seed: number;
  batchSize: number;
  stepsPerEpoch: number;
  epochs: number;
}

/** Where the trainer gets batch (epoch, step) from. */
export interface BatchSource {
  batch(epoch: number, step: number): Promise<Batch>;
  close(): Promise<void>;
}

export interface PoolSourceOptions {
  /** Default: free cores, 1 to 4. */
  workers?: number;
  /** Default: 2 x workers. */
  prefetch?: number;
}

/** Adapts a pool to the trainer's `BatchSource`. */
export function fromPool(pool: BatchPool<Batch & Record<string, unknown>>): BatchSource {
  return { batch: (e, k) => pool.batch(e, k), close: () => pool.close() };
}

/** Pool options for a trainer context: its stack, tile, augmentation, weights and batch plan. */
export function poolOptions(ctx: BatchSourceContext): {
  stack: { images: Float32Array; labels: Uint8Array; shape: [number, number, number] };
  batchOptions: PoolBatchOptions;
  plan: ReturnType<typeof trainerPlan>;
  stepsPerEpoch: number;
  epochs: number;
} {
  const { stack } = ctx;
  return {
    stack: { images: stack.data, labels: ctx.labels, shape: [stack.count, stack.height, stack.width] },
    batchOptions: { tile: ctx.tile, augment: ctx.augment, weights: ctx.weights },
    plan: trainerPlan({ train: ctx.train, seed: ctx.seed, batchSize: ctx.batchSize }),
    stepsPerEpoch: ctx.stepsPerEpoch,
    epochs: ctx.epochs,
  };
}
