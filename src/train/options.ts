import type { AugmentConfig } from '../augment/index.js';
import type { evaluateSegmentation } from '../metrics/index.js';
import type { UNetOptions } from '../model/index.js';
import type { CheckpointStore } from './checkpoint.js';
import type { Batch, TileSpec, TrainStack, WeightOptions } from './makeBatch.js';
import type { LearningRateSchedule, ResolvedSchedule } from './learningRateSchedule.js';

import type { BackendName } from '../backend/index.js';

/** Options of `buildUNet`. */
export type ModelOptions = UNetOptions;

/** Validation metrics of one epoch (see `evaluateSegmentation`) plus the unweighted cross-entropy. */
export type ValidationMetrics = ReturnType<typeof evaluateSegmentation> & { loss: number };

/** Pixel data accepted for a stack: any typed array, slice-major [count, height, width]. */
export type StackPixels =
  Uint8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

/** A stack with its shape, e.g. the result of `tiffToStack`. */
export interface StackInput {
  data: StackPixels;
  width: number;
  height: number;
  count: number;
}

/** Passed to `onBatchEnd` after every training step. Epochs and steps count from 0. */
export interface BatchInfo {
  epoch: number;
  epochs: number;
  step: number;
  stepsPerEpoch: number;
  /** Loss of this batch. */
  loss: number;
  /** Learning rate of this step. */
  learningRate: number;
  /** Mean loss over the epoch so far. */
  epochLoss: number;
  /** Steps done in the whole run (across resumes). */
  globalStep: number;
  totalSteps: number;
  /** Wall time of this step (batch making + forward + backward + Adam), ms. */
  stepMs: number;
  /**
   * Part of `stepMs` the training thread spent getting the batch: making it inline, or waiting for
   * the `batchSource` (about 0 when a worker pool keeps up), ms.
   */
  batchMs: number;
  /** Steps done in this process (for ETA: steps resumed from a checkpoint do not count). */
  stepsThisRun: number;
  /** Wall seconds since this call of trainUNet started. */
  elapsed: number;
}

/** One epoch in the history. */
export interface EpochRecord {
  /** 0-based epoch index. */
  epoch: number;
  /** Mean training loss over the epoch's steps. */
  loss: number;
  /** Learning rate of the epoch's last step (absent in records from before schedules existed). */
  learningRate?: number;
  steps: number;
  /** Wall seconds of the epoch (training + validation) in the process that finished it. */
  seconds: number;
  /** Metrics on the validation slices (absent when there are none). */
  validation?: ValidationMetrics;
  /** Wall seconds of the validation alone. */
  validationSeconds?: number;
  /** Wall seconds the training thread spent getting batches (see `BatchInfo.batchMs`) in this process. */
  batchSeconds?: number;
}

/** Options of the isomorphic `trainUNet`. Every field but images/labels has a default. */
export interface TrainOptions {
  /** Image stack: a typed array with `width`/`height` (slices = length / (width·height)) or a stack object. */
  images: StackPixels | StackInput;
  /** Label stack, same shape: class indices, or 0/255 (ISBI: 255 = cell) for two classes. */
  labels: StackPixels | StackInput;
  /**
   * Interleaved values per pixel of `images` (slices × height × width × channels), e.g. z-neighbours
   * from `sliceContext`; the model's `inChannels`. Labels stay one value per pixel. Default 1.
   */
  channels?: number;
  /** Slice width, when `images` is a plain typed array. */
  width?: number;
  /** Slice height, when `images` is a plain typed array. */
  height?: number;
  /** Validation slices: a fraction taken from the end of the stack, or explicit indices. Default 0.1. */
  validation?: number | number[];
  /** Default 10. */
  epochs?: number;
  /** Default 2. */
  batchSize?: number;
  /** Edge of the square input tile (random crops). With 'valid' padding the label tile is smaller. Default 128. */
  tileSize?: number;
  /** Default: enough tiles to cover the training slices' area once, ceil(n·H·W / (batch·out²)). */
  stepsPerEpoch?: number;
  /** Adam learning rate (the schedule's starting value). Default 1e-3. */
  learningRate?: number;
  /** How the learning rate changes with the global step. Default `{ type: 'constant' }`. */
  learningRateSchedule?: LearningRateSchedule;
  /** Augmentation (merged over `defaultAugmentConfig`), or `false` for plain random crops. */
  augment?: Partial<AugmentConfig> | false;
  /** Weight-map options (w0, sigma, classWeights, connectivity), or `false` for plain cross-entropy. Default {}. */
  weights?: WeightOptions | false;
  /** Weight of a Dice term added to the loss. Default 0. */
  dice?: number;
  /**
   * Decay of an exponential moving average of the trainable weights, in [0, 1); 0 = off. With
   * decay d, after step t the average becomes m·average + (1 − m)·weights, m = min(d, (1+t)/(10+t)).
   * Validation, the checkpoints' model (weights.bin) and the returned model use the average; the
   * live weights keep training (saved in live-weights.bin for resume). E.g. 0.99. Default 0.
   */
  weightAverage?: number;
  /** U-Net options (depth, baseFilters, padding, batchNorm, dropout, upsampling, classes). `inputSize` is the tile size. */
  model?: Partial<ModelOptions>;
  /** Seeds weights, slice order, crops and augmentation. Default 0. */
  seed?: number;
  /** Called after each step; may be async (awaited). */
  onBatchEnd?: (info: BatchInfo) => void | Promise<void>;
  /** Called after each epoch with its record; may be async (awaited). */
  onEpochEnd?: (record: EpochRecord, history: readonly EpochRecord[]) => void | Promise<void>;
  /** Stops cleanly after the current step; a 'last' checkpoint is written so `resume` continues. */
  signal?: AbortSignal;
  /** Where checkpoints go ('last' every epoch and on abort, 'best' by validation mean IoU). Default: memory. */
  checkpoint?: CheckpointStore;
  /** Continue from the store's 'last' checkpoint when there is one. Default false. */
  resume?: boolean;
  /**
   * Model files to start from instead of the seeded initialisation (`model.json` + `weights.bin`, e.g.
   * a checkpoint's or a saved model's), for fine-tuning. The architecture must match `model`. A
   * resume from 'last' takes precedence. Default: none.
   */
  initialWeights?: Record<string, Uint8Array>;
  /** Also write 'last' every this many steps (0 = only at epoch ends and on abort). Default 0. */
  checkpointEvery?: number;
  /** Backend to initialise; default: keep the active tfjs backend (the Node wrapper defaults to 'wasm'). */
  backend?: BackendName;
  /** Tile size for validation's overlap-tile prediction. Default: `predictTiled`'s (256 for 'same', shrunk to the slice; the training tile for 'valid'). */
  validationTileSize?: number;
  /** Load the best checkpoint's weights into the returned model at the end. Default false. */
  restoreBest?: boolean;
  /**
   * Where the batches come from instead of `makeBatch` on the training thread, e.g. the worker pool
   * that prefetches them off-thread (`nodePoolBatchSource` / `browserPoolBatchSource`). Called
   * once, at the first step, with everything the trainer resolved; the trainer closes the source
   * when the run ends (done, failed or aborted). Every batch must equal `makeBatch` of its request,
   * so that the losses (and resume) do not depend on where batches are made. Default: inline.
   */
  batchSource?: (ctx: BatchSourceContext) => BatchSource | Promise<BatchSource>;
}

/** What the trainer needs for the step at (epoch, step); see `TrainOptions.batchSource`. */
export interface BatchRequest {
  epoch: number;
  step: number;
  /** Slices of the batch: the epoch's seeded order (`epochOrder`), `batchSize` at a time (`stepIndices`). */
  indices: number[];
  /** `batchSeed(seed, epoch, step)`. */
  seed: number;
  tile: TileSpec;
  augment: AugmentConfig | false;
  weights: WeightOptions | false;
}

/** Everything about a run's batches, resolved by the trainer and given to `TrainOptions.batchSource`. */
export interface BatchSourceContext {
  /** The prepared (normalised) image stack. */
  stack: TrainStack;
  /** The prepared labels (class indices), same shape. */
  labels: Uint8Array;
  tile: TileSpec;
  augment: AugmentConfig | false;
  weights: WeightOptions | false;
  /** Training slices. */
  train: readonly number[];
  seed: number;
  batchSize: number;
  stepsPerEpoch: number;
  epochs: number;
  /** The request of any (epoch, step): a pure function, so a source can make batches ahead. */
  plan(epoch: number, step: number): BatchRequest;
}

/** Supplies the trainer's batches; see `TrainOptions.batchSource`. */
export interface BatchSource {
  /** The batch of `req`: exactly `makeBatch(ctx.stack, ctx.labels, req.indices, req.tile, req.augment, req.weights, req.seed)`. */
  batch(req: BatchRequest): Batch | Promise<Batch>;
  /** Releases the source (e.g. stops its workers). Called once when the run ends. */
  close?(): void | Promise<void>;
}

/** What `trainUNet` resolves to. */
export interface TrainResult {
  /**
   * The trained model (the last epoch's weights unless `restoreBest`; their average with
   * `weightAverage`). The caller owns it.
   */
  model: import('@tensorflow/tfjs-layers').LayersModel;
  history: EpochRecord[];
  /** True when the run stopped through `signal`. */
  aborted: boolean;
  /** Epoch with the best validation mean IoU, or -1. */
  bestEpoch: number;
  /** Training and validation slices used. */
  split: { train: number[]; validation: number[] };
  /** Pixel accuracy of always predicting the most frequent class on the validation slices (NaN without validation). */
  majorityBaseline: number;
  /** Resolved options as saved in checkpoints. */
  config: ResolvedConfig;
  /** Epoch/step the run resumed from, or null for a fresh run. */
  resumedFrom: { epoch: number; step: number } | null;
}

/** The serialisable, fully resolved configuration saved in checkpoints. */
export interface ResolvedConfig {
  width: number;
  height: number;
  count: number;
  epochs: number;
  batchSize: number;
  tileSize: number;
  outputSize: number;
  stepsPerEpoch: number;
  learningRate: number;
  /** Absent for a constant rate (so checkpoints from before schedules existed still resume). */
  learningRateSchedule?: ResolvedSchedule;
  augment: AugmentConfig | false;
  weights: WeightOptions | false;
  dice: number;
  /** EMA decay of the weights; absent when off (so checkpoints from before the option still resume). */
  weightAverage?: number;
  model: ModelOptions;
  seed: number;
  split: { train: number[]; validation: number[] };
  validationTileSize: number | null;
}
