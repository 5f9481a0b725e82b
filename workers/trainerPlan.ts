// The pool's plan for trainUNet: exactly the slice order and batch seeds of the trainer's own loop
// (epochOrder / stepIndices / batchSeed), so pooled batches equal the ones it would make inline.
import { batchSeed, epochOrder, stepIndices } from '../src/train/trainUNet.js';
import type { PoolBatchArgs } from './batchFn.js';

export interface TrainerPlanOptions {
  /** Training slice indices (`splitSlices(...).train`). */
  train: readonly number[];
  /** The run seed. */
  seed: number;
  batchSize: number;
}

/** A `plan` for the batch pool that reproduces trainUNet's batches. */
export function trainerPlan(o: TrainerPlanOptions): (epoch: number, index: number) => PoolBatchArgs {
  let cache: { epoch: number; order: number[] } | null = null;
  return (epoch, index) => {
    if (cache?.epoch !== epoch) cache = { epoch, order: epochOrder(o.train, o.seed, epoch).order };
    return { indices: stepIndices(cache.order, index, o.batchSize), seed: batchSeed(o.seed, epoch, index) };
  };
}
