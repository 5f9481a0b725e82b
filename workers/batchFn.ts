// The batch function the workers run: the trainer's own `makeBatch`, so that a batch is
// identical whether it is computed on the training thread or in a worker.
import { makeBatch } from '../src/train/makeBatch.js';
import type { AugmentConfig } from '../src/augment/index.js';
import type { TileSpec, WeightOptions } from '../src/train/makeBatch.js';
import type { BatchJob, BatchRecord, StackData } from './protocol.js';

/** Sent once at pool start: everything about a batch that does not change from batch to batch. */
export interface PoolBatchOptions {
  tile: TileSpec;
  /** Augmentation, or false for plain random crops. */
  augment: AugmentConfig | false;
  /** `weightMap` options, or false for unit weights. */
  weights: WeightOptions | false;
}

/** Per batch, from the pool's `plan`: which slices, and the batch seed (e.g. mixSeed(seed, epoch, step)). */
export interface PoolBatchArgs {
  indices: number[];
  seed: number;
}

/** Runs `makeBatch` on the worker's copy (or shared view) of the stack. */
export function batchFn(stack: StackData, options: unknown, job: BatchJob): BatchRecord {
  const { tile, augment, weights } = options as PoolBatchOptions;
  const { indices, seed } = job.args as PoolBatchArgs;
  if (!(stack.images instanceof Float32Array)) {
    throw new TypeError('the worker pool needs a normalised Float32Array image stack');
  }
  const [count, height, width] = stack.shape;
  const batch = makeBatch(
    { data: stack.images, width, height, count, channels: stack.channels ?? 1 },
    stack.labels,
    indices,
    tile,
    augment,
    weights,
    seed,
  );
  return batch as unknown as BatchRecord;
}
