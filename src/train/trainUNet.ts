// The training loop: random (augmented) tiles, weighted cross-entropy, Adam, validation with
// overlap-tile prediction every epoch, and checkpoints that let a killed run resume bit-exactly.
//
// Determinism: the batch of (epoch, step) depends only on (seed, epoch, step) — the slice order of
// an epoch is a permutation seeded by (seed, epoch), the crops/augmentation by (seed, epoch, step).
// A checkpoint therefore needs only the weights, Adam's state, (epoch, step) and the partial epoch
// loss; resuming replays exactly what the uninterrupted run would have done.
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { checkAugmentConfig, defaultAugmentConfig } from '../augment/index.js';
import type { AugmentConfig } from '../augment/index.js';
import { initBackend } from '../backend/index.js';
import { evaluateSegmentation } from '../metrics/index.js';
import { buildUNet, SeededDropout, unetOutputSize } from '../model/index.js';
import { mixSeed, Rng } from '../random/index.js';
import type { RngState } from '../random/index.js';
import { channelSlice } from '../data/index.js';
import { predictTiled } from '../infer/index.js';
import {
  loadOptimizerState,
  loadWeightsInto,
  MemoryCheckpointStore,
  modelToFiles,
  optimizerToFiles,
  readJsonFile,
} from './checkpoint.js';
import type { CheckpointFiles, CheckpointStore, OptimizerState } from './checkpoint.js';
import { CheckpointError, TrainConfigError } from './errors.js';
import { FusedAdamOptimizer } from './fusedAdam.js';
import { learningRateAt, resolveSchedule } from './learningRateSchedule.js';
import { diceLoss, weightedCrossEntropy } from './loss.js';
import { makeBatch } from './makeBatch.js';
import type { Batch, TrainStack } from './makeBatch.js';
import type {
  BatchRequest,
  BatchSource,
  BatchSourceContext,
  EpochRecord,
  ModelOptions,
  StackPixels,
  ResolvedConfig,
  StackInput,
  TrainOptions,
  TrainResult,
  ValidationMetrics,
} from './options.js';
import { prepareImages, prepareLabels } from './prepare.js';
import { splitSlices } from './split.js';
import { assignFromBytes, resolveWeightAverage, variablesToBytes, WeightAverage } from './weightAverage.js';

/** Contents of state.json. */
export interface CheckpointState {
  version: 1;
  /** Epoch and step (0-based) the run continues at. */
  epoch: number;
  step: number;
  globalStep: number;
  /** Sum of the step losses of the unfinished epoch (so its mean matches an uninterrupted run). */
  epochLossSum: number;
  history: EpochRecord[];
  bestEpoch: number;
  bestMeanIoU: number;
  /** RNG position: the batch stream is a pure function of (seed, epoch, step), stored here explicitly. */
  rng: { seed: number; epoch: number; step: number; epochOrderState: RngState };
  /** Step counters of the model's seeded dropout layers, in layer order. */
  dropoutSteps: number[];
  config: ResolvedConfig;
  optimizer: OptimizerState;
  savedAt: string;
}

function isStack(x: StackPixels | StackInput): x is StackInput {
  return !ArrayBuffer.isView(x);
}

function positiveInt(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1)
    throw new TrainConfigError(`${name} must be a positive integer, got ${v}`);
  return v;
}

/** Training slice order for an epoch: a permutation seeded by (seed, epoch). */
export function epochOrder(
  train: readonly number[],
  seed: number,
  epoch: number,
): { order: number[]; state: RngState } {
  const rng = new Rng(mixSeed(seed, epoch, 0x0e0c));
  const state = rng.getState();
  return { order: rng.shuffle([...train]), state };
}

/** Slice indices of one step: consecutive entries of the epoch's order, wrapping around. */
export function stepIndices(order: readonly number[], step: number, batchSize: number): number[] {
  return Array.from({ length: batchSize }, (_, i) => order[(step * batchSize + i) % order.length]!);
}

/** Seed of the batch at (epoch, step). */
export function batchSeed(seed: number, epoch: number, step: number): number {
  return mixSeed(seed, epoch, step, 0xba7c);
}

function configFingerprint(c: ResolvedConfig): string {
  // Everything that changes the trajectory except the number of epochs (a resumed run may extend).
  const { epochs: _e, ...rest } = c;
  return JSON.stringify(rest);
}

function describeDifference(a: ResolvedConfig, b: ResolvedConfig): string {
  // Both sides' keys: optional ones (weightAverage, learningRateSchedule) may be absent from either.
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])] as (keyof ResolvedConfig)[];
  const diff = keys.filter((k) => k !== 'epochs' && JSON.stringify(a[k]) !== JSON.stringify(b[k]));
  return diff.join(', ');
}

interface LoopState {
  epoch: number;
  step: number;
  globalStep: number;
  epochLossSum: number;
  history: EpochRecord[];
  bestEpoch: number;
  bestMeanIoU: number;
}

/**
 * Trains a U-Net. See `TrainOptions` for every option and its default.
 *
 * Each epoch runs `stepsPerEpoch` Adam steps on batches from `makeBatch` (random tiles,
 * augmentation, weight map of the augmented label), then predicts every validation slice whole
 * with overlap-tile inference and computes the metrics. Checkpoints: 'last' after every epoch and
 * on abort, 'best' when the validation mean IoU improves.
 */
export async function trainUNet(options: TrainOptions): Promise<TrainResult> {
  if (options.backend) await initBackend(options.backend);

  // ---- data ----
  const imgIn = options.images;
  const labIn = options.labels;
  const width = isStack(imgIn) ? imgIn.width : options.width;
  const height = isStack(imgIn) ? imgIn.height : options.height;
  if (width === undefined || height === undefined) {
    throw new TrainConfigError('images given as a typed array need width and height');
  }
  positiveInt('width', width);
  positiveInt('height', height);
  const imgData = isStack(imgIn) ? imgIn.data : imgIn;
  const labData = isStack(labIn) ? labIn.data : labIn;
  if (isStack(labIn) && (labIn.width !== width || labIn.height !== height)) {
    throw new TrainConfigError(`labels are ${labIn.width}x${labIn.height} but images are ${width}x${height}`);
  }
  const channels = positiveInt('channels', options.channels ?? 1);
  const plane = width * height;
  if (imgData.length === 0 || imgData.length % (plane * channels) !== 0) {
    throw new TrainConfigError(
      `image data of ${imgData.length} values is not a whole number of ${width}x${height}${channels > 1 ? `x${channels}` : ''} slices`,
    );
  }
  const count = imgData.length / (plane * channels);
  if (labData.length !== plane * count) {
    throw new TrainConfigError(
      `labels have ${labData.length / plane} slices of ${width}x${height} (${labData.length} values), images have ${count}`,
    );
  }

  // ---- options ----
  const modelOpts: Partial<ModelOptions> = { ...(options.model ?? {}) };
  const classes = modelOpts.classes ?? 2;
  const tileSize = positiveInt('tileSize', options.tileSize ?? modelOpts.inputSize ?? 128);
  // 'same' models take any size (tiles in training, larger tiles in validation); 'valid' models
  // need a fixed input (predictTiled rebuilds them for other sizes).
  const valid = (modelOpts.padding ?? 'same') === 'valid';
  const model0: ModelOptions = {
    ...modelOpts,
    inputSize: valid ? tileSize : null,
    inChannels: channels,
    classes,
  };
  const seed = options.seed ?? 0;
  if (!Number.isFinite(seed)) throw new TrainConfigError(`seed must be a number, got ${seed}`);
  model0.seed = model0.seed ?? seed;
  // Throws UNetConfigError when the tile does not flow through the network.
  const outputSize = unetOutputSize(tileSize, model0);
  const split = splitSlices(count, options.validation ?? 0.1);
  const batchSize = positiveInt('batchSize', options.batchSize ?? 2);
  const epochs = options.epochs ?? 10;
  if (!Number.isInteger(epochs) || epochs < 0)
    throw new TrainConfigError(`epochs must be an integer >= 0, got ${epochs}`);
  const stepsPerEpoch = positiveInt(
    'stepsPerEpoch',
    options.stepsPerEpoch ??
      Math.max(1, Math.ceil((split.train.length * plane) / (batchSize * outputSize * outputSize))),
  );
  const learningRate = options.learningRate ?? 1e-3;
  if (!(learningRate > 0)) throw new TrainConfigError(`learningRate must be > 0, got ${learningRate}`);
  const schedule = resolveSchedule(options.learningRateSchedule, learningRate);
  const augment = options.augment === false ? false : mergeAugment(options.augment ?? {});
  const weights = options.weights === undefined ? {} : options.weights;
  const dice = options.dice ?? 0;
  const weightAverage = resolveWeightAverage(options.weightAverage);
  const checkpointEvery = options.checkpointEvery ?? 0;
  const validationTileSize =
    options.validationTileSize === undefined
      ? null
      : positiveInt('validationTileSize', options.validationTileSize);
  const config: ResolvedConfig = {
    width,
    height,
    count,
    epochs,
    batchSize,
    tileSize,
    outputSize,
    stepsPerEpoch,
    learningRate,
    ...(schedule.type === 'constant' ? {} : { learningRateSchedule: schedule }),
    augment,
    weights,
    dice,
    // Absent when off, so checkpoints from before the option existed still resume.
    ...(weightAverage > 0 ? { weightAverage } : {}),
    model: model0,
    seed,
    split,
    validationTileSize,
  };
  const store: CheckpointStore = options.checkpoint ?? new MemoryCheckpointStore();
  const signal = options.signal;

  const images = prepareImages(imgData, width, height, count, channels);
  const labels = prepareLabels(labData, classes);
  const stack: TrainStack = { data: images, width, height, count, channels };
  const tile = { inputSize: tileSize, outputSize };

  // ---- model, optimizer, state ----
  const model = buildUNet(model0);
  // Stock Adam's arithmetic, one fused kernel per variable on 'wasm' (bit-identical results).
  const optimizer = new FusedAdamOptimizer(learningRate);
  // LayerVariable.read() is the same tf.Variable for the model's life (setWeights assigns into it).
  const varList = model.trainableWeights.map((w) => w.read() as tf.Variable);
  let average: WeightAverage | null = null;
  const loop: LoopState = {
    epoch: 0,
    step: 0,
    globalStep: 0,
    epochLossSum: 0,
    history: [],
    bestEpoch: -1,
    bestMeanIoU: -Infinity,
  };
  let resumedFrom: TrainResult['resumedFrom'] = null;
  try {
    if (options.resume && (await store.exists('last'))) {
      const files = await store.load('last');
      const st = readJsonFile<CheckpointState>(files, 'state.json');
      if (configFingerprint(st.config) !== configFingerprint(config)) {
        throw new CheckpointError(
          `cannot resume: the checkpoint was made with different options (${describeDifference(st.config, config)})`,
        );
      }
      loadWeightsInto(model, files);
      if (weightAverage > 0) {
        // weights.bin holds the averaged weights: they seed the average, then the live ones go back in.
        const live = files['live-weights.bin'];
        if (!live) throw new CheckpointError('checkpoint is missing live-weights.bin (weightAverage > 0)');
        average = new WeightAverage(varList, weightAverage);
        assignFromBytes(varList, live, 'live-weights.bin');
      }
      const optBytes = files['optimizer.bin'];
      if (!optBytes) throw new CheckpointError('checkpoint is missing optimizer.bin');
      await loadOptimizerState(optimizer, optBytes, st.optimizer);
      dropoutLayers(model).forEach((l, i) => (l.step = st.dropoutSteps?.[i] ?? 0));
      Object.assign(loop, {
        epoch: st.epoch,
        step: st.step,
        globalStep: st.globalStep,
        epochLossSum: st.epochLossSum,
        history: st.history,
        bestEpoch: st.bestEpoch,
        bestMeanIoU: st.bestMeanIoU ?? -Infinity,
      });
      resumedFrom = { epoch: st.epoch, step: st.step };
    } else if (options.initialWeights) {
      loadWeightsInto(model, options.initialWeights);
    }
  } catch (e) {
    average?.dispose();
    model.dispose();
    optimizer.dispose();
    throw e;
  }
  if (weightAverage > 0) average ??= new WeightAverage(varList, weightAverage);

  const majorityBaseline = majorityAccuracy(labels, plane, split.validation, classes);
  const t0 = now();
  let stepsThisRun = 0;
  let aborted = false;

  const saveCheckpoint = async (names: string[]): Promise<void> => {
    // With an average, the checkpoint's model is the averaged one (the model to use); the live
    // weights ride along in live-weights.bin so that a resume continues training exactly.
    const modelFiles = average
      ? await average.withAveraged(() => modelToFiles(model))
      : await modelToFiles(model);
    const liveFiles: CheckpointFiles = average ? { 'live-weights.bin': await variablesToBytes(varList) } : {};
    const opt = await optimizerToFiles(optimizer);
    const st: CheckpointState = {
      version: 1,
      epoch: loop.epoch,
      step: loop.step,
      globalStep: loop.globalStep,
      epochLossSum: loop.epochLossSum,
      history: loop.history,
      bestEpoch: loop.bestEpoch,
      bestMeanIoU: loop.bestMeanIoU,
      rng: {
        seed,
        epoch: loop.epoch,
        step: loop.step,
        epochOrderState: epochOrder(split.train, seed, loop.epoch).state,
      },
      dropoutSteps: dropoutLayers(model).map((l) => l.step),
      config,
      optimizer: opt.state,
      savedAt: new Date().toISOString(),
    };
    const files = {
      ...modelFiles,
      ...liveFiles,
      'optimizer.bin': opt.bytes,
      'state.json': JSON.stringify(st),
    };
    for (const n of names) await store.save(n, files);
  };

  // Same request for (epoch, step) whoever makes the batch: the plan a batch source prefetches by.
  let orderCache: { epoch: number; order: number[] } | null = null;
  const plan = (epoch: number, step: number): BatchRequest => {
    if (orderCache?.epoch !== epoch)
      orderCache = { epoch, order: epochOrder(split.train, seed, epoch).order };
    return {
      epoch,
      step,
      indices: stepIndices(orderCache.order, step, batchSize),
      seed: batchSeed(seed, epoch, step),
      tile,
      augment,
      weights,
    };
  };
  let source: BatchSource | null = null;
  const getBatch = async (request: BatchRequest): Promise<Batch> => {
    if (!options.batchSource) {
      return makeBatch(stack, labels, request.indices, tile, augment, weights, request.seed);
    }
    if (!source) {
      const ctx: BatchSourceContext = {
        stack,
        labels,
        tile,
        augment,
        weights,
        train: split.train,
        seed,
        batchSize,
        stepsPerEpoch,
        epochs,
        plan,
      };
      source = await options.batchSource(ctx);
    }
    const batch = await source.batch(request);
    if (batch.batchSize !== batchSize || batch.inputSize !== tileSize || batch.outputSize !== outputSize) {
      throw new TrainConfigError(
        `batchSource returned ${batch.batchSize} tiles of ${batch.inputSize}→${batch.outputSize}, expected ${batchSize} of ${tileSize}→${outputSize}`,
      );
    }
    if (
      batch.indices.length !== request.indices.length ||
      batch.indices.some((s, i) => s !== request.indices[i])
    ) {
      throw new TrainConfigError(
        `batchSource returned slices ${batch.indices.join(',')} for epoch ${request.epoch} step ${request.step}, expected ${request.indices.join(',')}`,
      );
    }
    return batch;
  };
  // Stops a worker pool's threads whatever happened: done, failed or aborted.
  const closeSource = async (): Promise<void> => {
    const s = source as BatchSource | null;
    source = null;
    await s?.close?.();
  };

  try {
    outer: while (loop.epoch < epochs) {
      if (signal?.aborted) {
        aborted = true;
        break;
      }
      const epochStart = now();
      let batchMsSum = 0;
      while (loop.step < stepsPerEpoch) {
        const s0 = now();
        const batch = await getBatch(plan(loop.epoch, loop.step));
        const batchMs = now() - s0;
        batchMsSum += batchMs;
        const lr = learningRateAt(schedule, learningRate, loop.globalStep);
        optimizer.setLearningRate(lr);
        const loss = await trainStep(model, optimizer, varList, batch, dice);
        // On 'wasm'/'cpu' every await above resolves as a microtask; yield a macrotask so signal
        // handlers (Ctrl-C → abort), timers and a browser's UI get to run between steps.
        await yieldToEventLoop();
        if (!Number.isFinite(loss)) {
          throw new TrainConfigError(
            `loss became ${loss} at epoch ${loop.epoch + 1} step ${loop.step + 1}; lower the learning rate`,
          );
        }
        loop.epochLossSum += loss;
        loop.step++;
        loop.globalStep++;
        average?.update(loop.globalStep);
        stepsThisRun++;
        await options.onBatchEnd?.({
          epoch: loop.epoch,
          epochs,
          step: loop.step - 1,
          stepsPerEpoch,
          loss,
          learningRate: lr,
          epochLoss: loop.epochLossSum / loop.step,
          globalStep: loop.globalStep,
          totalSteps: epochs * stepsPerEpoch,
          stepMs: now() - s0,
          batchMs,
          stepsThisRun,
          elapsed: (now() - t0) / 1000,
        });
        if (signal?.aborted && loop.step < stepsPerEpoch) {
          aborted = true;
          await saveCheckpoint(['last']);
          break outer;
        }
        if (checkpointEvery > 0 && loop.globalStep % checkpointEvery === 0 && loop.step < stepsPerEpoch) {
          await saveCheckpoint(['last']);
        }
      }
      // ---- end of epoch: validation, history, checkpoints ----
      const record: EpochRecord = {
        epoch: loop.epoch,
        loss: loop.epochLossSum / stepsPerEpoch,
        learningRate: learningRateAt(schedule, learningRate, loop.globalStep - 1),
        steps: stepsPerEpoch,
        seconds: 0,
        batchSeconds: batchMsSum / 1000,
      };
      if (split.validation.length > 0) {
        const v0 = now();
        const run = (): Promise<ValidationMetrics> =>
          validate(model, stack, labels, split.validation, validationTileSize, batchSize);
        // Batch-norm moving statistics stay the live ones: they are averages already.
        record.validation = average ? await average.withAveraged(run) : await run();
        record.validationSeconds = (now() - v0) / 1000;
      }
      record.seconds = (now() - epochStart) / 1000;
      loop.history.push(record);
      const names = ['last'];
      const iou = record.validation?.meanIoU;
      if (iou !== undefined && iou > loop.bestMeanIoU) {
        loop.bestMeanIoU = iou;
        loop.bestEpoch = loop.epoch;
        names.push('best');
      }
      loop.epoch++;
      loop.step = 0;
      loop.epochLossSum = 0;
      await saveCheckpoint(names);
      await options.onEpochEnd?.(record, loop.history);
      if (signal?.aborted) {
        aborted = loop.epoch < epochs;
        break;
      }
    }
    if (options.restoreBest && loop.bestEpoch >= 0 && (await store.exists('best'))) {
      // Averaged already when weightAverage > 0.
      loadWeightsInto(model, await store.load('best'));
    } else {
      average?.copyToLive();
    }
  } catch (e) {
    model.dispose();
    try {
      await closeSource();
    } catch {
      // The run's own error is the one to report.
    }
    throw e;
  } finally {
    optimizer.dispose();
    average?.dispose();
  }
  try {
    await closeSource();
  } catch (e) {
    model.dispose();
    throw e;
  }
  return {
    model,
    history: loop.history,
    aborted,
    bestEpoch: loop.bestEpoch,
    split,
    majorityBaseline,
    config,
    resumedFrom,
  };
}

/** `defaultAugmentConfig` with `partial` merged in one level deep ({ elastic: { p: 1 } } keeps alpha/sigma). */
export function mergeAugment(partial: Partial<AugmentConfig>): AugmentConfig {
  const out = structuredClone(defaultAugmentConfig) as AugmentConfig;
  const o = out as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(partial)) {
    const d = o[k];
    o[k] = v && typeof v === 'object' && !Array.isArray(v) && d && typeof d === 'object' ? { ...d, ...v } : v;
  }
  checkAugmentConfig(out);
  return out;
}

function dropoutLayers(model: LayersModel): SeededDropout[] {
  return model.layers.filter((l): l is SeededDropout => l instanceof SeededDropout);
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

/** One Adam step on a batch; returns the loss. Every tensor it makes is disposed. */
async function trainStep(
  model: LayersModel,
  optimizer: tf.Optimizer,
  varList: tf.Variable[],
  batch: Batch,
  dice: number,
): Promise<number> {
  const { batchSize: b, inputSize: n, outputSize: m } = batch;
  const x = tf.tensor4d(batch.images, [b, n, n, batch.channels]);
  const y = tf.tensor3d(batch.labels, [b, m, m], 'int32');
  const w = tf.tensor3d(batch.weights, [b, m, m]);
  try {
    const lossT = optimizer.minimize(
      () => {
        const probs = model.apply(x, { training: true }) as tf.Tensor4D;
        const ce = weightedCrossEntropy(probs, y, w);
        return dice > 0 ? tf.add(ce, tf.mul(diceLoss(probs, y), dice)) : ce;
      },
      true,
      varList,
    );
    if (!lossT) throw new Error('optimizer.minimize returned no loss');
    const v = (await lossT.data())[0]!;
    lossT.dispose();
    return v;
  } finally {
    tf.dispose([x, y, w]);
  }
}

/** Predicts each validation slice whole (overlap-tile) and computes the metrics and the plain CE. */
async function validate(
  model: LayersModel,
  stack: TrainStack,
  labels: Uint8Array,
  slices: readonly number[],
  tileSize: number | null,
  batchSize: number,
): Promise<ValidationMetrics> {
  const { width, height } = stack;
  const plane = width * height;
  const preds: Uint8Array[] = [];
  const truths: Uint8Array[] = [];
  let ce = 0;
  for (const s of slices) {
    const image = channelSlice(stack.data, s, plane, stack.channels);
    const truth = labels.subarray(s * plane, (s + 1) * plane);
    const { probabilities, labels: pred } = await predictTiled(model, image, width, height, {
      batchSize,
      ...(tileSize !== null ? { tileSize } : {}),
    });
    const classes = probabilities.length / plane;
    let sum = 0;
    for (let i = 0; i < plane; i++) sum -= Math.log(Math.max(probabilities[i * classes + truth[i]!]!, 1e-7));
    ce += sum / plane;
    preds.push(pred);
    truths.push(truth);
  }
  const metrics = evaluateSegmentation(preds, truths, width, height);
  return { ...metrics, loss: ce / slices.length };
}

/** Accuracy of always answering the most frequent class on the given slices. */
export function majorityAccuracy(
  labels: Uint8Array,
  plane: number,
  slices: readonly number[],
  classes: number,
): number {
  if (slices.length === 0) return NaN;
  const counts = new Float64Array(classes);
  for (const s of slices) {
    const l = labels.subarray(s * plane, (s + 1) * plane);
    for (let i = 0; i < plane; i++) counts[l[i]!] = counts[l[i]!]! + 1;
  }
  return Math.max(...counts) / (plane * slices.length);
}
