// The Node flavour of trainUNet: TIFF paths for the stacks, checkpoints in a directory, and the
// 'wasm' backend by default.
import { TrainConfigError, trainUNet as trainCore } from '../train/index.js';
import type { CheckpointStore, StackInput, TrainOptions, TrainResult } from '../train/index.js';
import { initNodeBackend } from './backend.js';
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
}

/**
 * Trains a U-Net in Node. Same as the isomorphic `trainUNet`, plus: `images`/`labels` may be TIFF
 * paths, `checkpointDir` stores checkpoints on disk (`<dir>/last`, `<dir>/best`, each a tfjs
 * model.json + weights.bin with optimizer.bin and state.json), and `backend` defaults to 'wasm',
 * set up by `initNodeBackend` (both cores).
 */
export async function trainUNet(options: NodeTrainOptions): Promise<TrainResult> {
  const { checkpointDir, images, labels, ...rest } = options;
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
  return trainCore({ ...core, images: img, labels: lab, ...(checkpoint ? { checkpoint } : {}) });
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
