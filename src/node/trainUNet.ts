// The Node flavour of trainUNet: TIFF paths for the stacks, checkpoints in a directory, and the
// 'wasm' backend by default.
import { TrainConfigError, trainUNet as trainCore } from '../train/index.js';
import type { CheckpointStore, StackInput, TrainOptions, TrainResult } from '../train/index.js';
import { initNodeBackend } from './backend.js';
import { nodePoolBuilt, nodeWorkerBatchSource } from './batchWorkers.js';
import { FileCheckpointStore } from './fileCheckpointStore.js';
import { readStack } from './stacks.js';

/** `TrainOptions` plus TIFF paths and a checkpoint directory. */
export interface NodeTrainOptions extends Omit<TrainOptions, 'images' | 'labels'> {
  /** A stack (typed array + width/height, or stack object) or the path of a multi-page TIFF. */
  images: TrainOptions['images'] | string;
  /** Same shape as `images`, or the path of a multi-page TIFF. */
  labels: TrainOptions['labels'] | string;
  /** Directory for checkpoints (`last/`, `best/`); ignored when `checkpoint` is given. */
  checkpointDir?: string;
  /**
   * Worker threads that make the batches (augmentation + weight maps) ahead of the training
   * thread; 0 makes them on the training thread. The batches are identical either way (so the
   * losses are too, up to the threaded backend's own run-to-run rounding). Needs the bundled pool (`npm run build:workers`, part of `npm run build`): asking for
   * workers without it is an error. Cannot be combined with `batchSource`. Default:
   * `DEFAULT_NODE_WORKERS` when the pool is built (always in the published package), else 0.
   */
  workers?: number;
}

/**
 * Default `workers`: 1. On ISBI (tile 256, batch 4, full augmentation + weight maps, 2 cores)
 * making a batch inline takes 30-40 ms of a 4-5 s step (0.6-1 % of the step is spent waiting for
 * data); with one worker the trainer waits ~0.1 ms and the step time is the same within the
 * noise, and a second worker has nothing left to win. See bench/workers.bench.ts.
 */
export const DEFAULT_NODE_WORKERS = 1;

/**
 * Trains a U-Net in Node. Same as the isomorphic `trainUNet`, plus: `images`/`labels` may be TIFF
 * paths, `checkpointDir` stores checkpoints on disk (`<dir>/last`, `<dir>/best`, each a tfjs
 * model.json + weights.bin with optimizer.bin and state.json), and `backend` defaults to 'wasm',
 * set up by `initNodeBackend` (both cores), and batches are made by `workers` worker threads.
 */
export async function trainUNet(options: NodeTrainOptions): Promise<TrainResult> {
  const { checkpointDir, images, labels, workers: workersOpt, ...rest } = options;
  const workers = workersOpt ?? (rest.batchSource || !nodePoolBuilt() ? 0 : DEFAULT_NODE_WORKERS);
  if (!Number.isInteger(workers) || workers < 0) {
    throw new TrainConfigError(`workers must be an integer >= 0, got ${workers}`);
  }
  if (workers > 0 && rest.batchSource) {
    throw new TrainConfigError('give either workers or batchSource, not both');
  }
  const img: TrainOptions['images'] = typeof images === 'string' ? await readStack(images, 'image') : images;
  const lab: TrainOptions['labels'] = typeof labels === 'string' ? await readStack(labels, 'label') : labels;
  if (typeof images === 'string' || typeof labels === 'string') {
    checkSameShape(img, lab, options);
  }
  let checkpoint: CheckpointStore | undefined = rest.checkpoint;
  if (!checkpoint && checkpointDir) checkpoint = new FileCheckpointStore(checkpointDir);
  // Node's own backend setup: tfjs-wasm's threaded build and a helper thread for the gradient kernels.
  await initNodeBackend(rest.backend ?? 'wasm');
  const { backend: _backend, ...core } = rest;
  // The trainer closes the pool when the run ends, whether it finished, failed or was aborted.
  const batchSource = workers > 0 ? await nodeWorkerBatchSource({ workers }) : rest.batchSource;
  return trainCore({
    ...core,
    images: img,
    labels: lab,
    ...(checkpoint ? { checkpoint } : {}),
    ...(batchSource ? { batchSource } : {}),
  });
}

function isStack(x: TrainOptions['images']): x is StackInput {
  return !ArrayBuffer.isView(x);
}

function checkSameShape(a: TrainOptions['images'], b: TrainOptions['labels'], o: NodeTrainOptions): void {
  const shape = (x: TrainOptions['images']): string =>
    isStack(x)
      ? `${x.count} slices of ${x.width}x${x.height}`
      : `${x.length / ((o.width ?? 1) * (o.height ?? 1))} slices of ${o.width}x${o.height}`;
  const sa = shape(a);
  const sb = shape(b);
  if (sa !== sb) throw new TrainConfigError(`labels (${sb}) do not match images (${sa})`);
}
