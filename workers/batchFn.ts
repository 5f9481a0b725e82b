// The batch function the workers run: the trainer's own `makeBatch`, so that a batch is
// identical whether it is computed on the training thread or in a worker.
import { makeBatch } from './standInMakeBatch.js';
import type { BatchJob, BatchRecord, StackData } from './protocol.js';

/** Sent once at pool start: everything about a batch that does not change from batch to batch. */
export interface PoolBatchOptions {
  tile: { inputSize: number; outputSize: number };
  /** An `AugmentConfig`, or false for plain random crops. */
  augment: unknown;
  /** `weightMap` options, or false for unit weights. */
  weights: unknown;
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
    { data: stack.images, width, height, count },
    stack.labels,
    indices,
    tile,
    augment as never,
    weights as never,
    seed,
  );
  return batch as unknown as BatchRecord;
}
