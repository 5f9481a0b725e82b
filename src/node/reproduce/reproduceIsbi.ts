// `reproduce-isbi`: train on ISBI 2012 slices 0–26 within a wall-time budget, evaluate the best
// epoch's checkpoint on slices 27–29 (full 512² and the seed's 388² centre crop), write probability
// maps of the validation slices and of the test volume, and a report with curves and overlays.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { predictTiled } from '../../infer/index.js';
import { evaluateSegmentation } from '../../metrics/index.js';
import type { BoundaryErrorProfile } from '../../metrics/index.js';
import { fmt4, fmtPct, scoreLine, scoreSlices } from './scoreSlices.js';
import type { EvalScores } from './scoreSlices.js';
import {
  loadWeightsInto,
  modelToFiles,
  readJsonFile,
  formatDuration,
  formatEpoch,
  formatProgress,
  prepareImages,
  prepareLabels,
  TrainConfigError,
} from '../../train/index.js';
import type { CheckpointState, CheckpointStore, EpochRecord, TrainResult } from '../../train/index.js';
import { FileCheckpointStore } from '../fileCheckpointStore.js';
import { recalibrateBatchNorm } from './recalibrateBatchNorm.js';
import { modelInput, preprocessFile } from '../modelPreprocess.js';
import type { ModelPreprocess } from '../modelPreprocess.js';
import { initNodeBackend } from '../backend.js';
import { writeTiffFile } from '../files.js';
import { ProgressLine } from '../progressLine.js';
import { writeReport } from '../report.js';
import type { OverlaySlice } from '../report.js';
import { readStack } from '../stacks.js';
import { cropStack, modelInputs, pickSlices } from './volume.js';
import { appendSlices, pseudoLabelSlices } from './pseudoLabels.js';
import type { Volume } from './volume.js';
import { trainUNet } from '../trainUNet.js';
import {
  AUGMENT_PRESETS,
  augmentPreset,
  lossWeights,
  REPRODUCE_DEFAULTS,
  reproduceOutDir,
} from './options.js';
import type { LabelOffsetOption, ReproduceIsbiOptions } from './options.js';
import { channelSlice, estimateLabelOffset, shiftStack } from '../../data/index.js';
import type { ShiftInterpolation } from '../../data/index.js';

/** The seed's published numbers (388² centre crops of slices 27–29, mean IoU over both classes). */
export const SEED_RESULT = { meanIoU: 0.758, pixelAccuracy: 0.9087 } as const;

/** The files a reproduction writes (test maps: null when the test volume was skipped). */
export interface ReproduceFiles {
  report: string;
  validationProbabilities: string;
  testProbabilities: string | null;
  summary: string;
}

/** What `runReproduceIsbi` resolves to (also written to `summary.json`). */
export interface ReproduceIsbiResult {
  out: string;
  seed: number;
  /** The evaluated (held-out) slices of train-volume.tif. */
  validationSlices: number[];
  /** Whole command, seconds. */
  wallSeconds: number;
  trainSeconds: number;
  evalSeconds: number;
  epochs: number;
  /** 0-based epoch the trainer picked as best by its own validation (-1: no epoch finished). */
  bestEpoch: number;
  /** The checkpoint evaluated: the better of 'best' and 'last' after BN recalibration, e.g. 'best epoch 16'. */
  evaluated: string;
  stoppedBy: 'epochs' | 'budget' | 'signal';
  tta: boolean;
  /** Whether test-volume.tif's maps averaged the 8 views too (the `testTta` option). */
  testTta: boolean;
  /** The images were resampled at (x + dx, y + dy) (see the `labelOffset` option). */
  labelOffset: {
    dx: number;
    dy: number;
    estimated: boolean;
    correlation?: number;
    correlationAtZero?: number;
    /** How the images were resampled (see `shiftStack`). */
    interpolation: ShiftInterpolation;
  };
  /** z-neighbours per side fed as channels (the `sliceContext` option); 0 = none. */
  sliceContext: number;
  /** Self-training: the probability TIFF whose test slices were trained on (the `pseudoLabels` option). */
  pseudoLabels?: string;
  /** Whether training started from `<out>/model` (the `warmStart` option). */
  warmStart?: boolean;
  full: EvalScores;
  crop: EvalScores & { size: number };
  /** Where the errors on the full slices lie: bands of distance to the true class boundary (the last band ends at Infinity, null in summary.json). */
  boundaryErrors: BoundaryErrorProfile;
  majorityBaseline: number;
  files: ReproduceFiles;
  config: TrainResult['config'];
  history: EpochRecord[];
  /** 1-minute load averages at start and end (the figures are wall-clock). */
  load: { start: number; end: number };
}

type EstimatedOffset = Omit<ReproduceIsbiResult['labelOffset'], 'interpolation'>;

/** The offset to apply: fixed, none, or estimated on the training slices only (model-free). */
function resolveLabelOffset(
  option: LabelOffsetOption,
  images: Volume,
  labels: Volume,
  trainSlices: readonly number[],
): EstimatedOffset {
  if (option === 'none') return { dx: 0, dy: 0, estimated: false };
  if (option === 'auto') {
    const e = estimateLabelOffset(
      pickSlices(images, trainSlices, 'training'),
      pickSlices(labels, trainSlices, 'training'),
    );
    return {
      dx: e.dx,
      dy: e.dy,
      estimated: true,
      correlation: e.correlation,
      correlationAtZero: e.correlationAtZero,
    };
  }
  const [dx, dy] = option;
  if (!Number.isFinite(dx) || !Number.isFinite(dy) || Math.abs(dx) > 4 || Math.abs(dy) > 4)
    throw new TrainConfigError(`labelOffset must be 'auto', 'none' or [dx, dy] with |dx|, |dy| <= 4`);
  return { dx, dy, estimated: false };
}

/** ", images resampled at (x + dx, y + dy) (estimated: …)" for the header line; '' when nothing was done. */
function offsetNote(o: EstimatedOffset, moved: boolean, how: ShiftInterpolation): string {
  if (!moved && !o.estimated) return '';
  const est = o.estimated
    ? ` (estimated: |r| ${o.correlation!.toFixed(4)} against ${o.correlationAtZero!.toFixed(4)} at 0)`
    : '';
  return `, images resampled (${how}) at (x${fmtOff(o.dx)}, y${fmtOff(o.dy)})${est}`;
}

function checkSliceSets(train: readonly number[], validation: readonly number[]): void {
  if (train.length === 0) throw new TrainConfigError('no training slices');
  if (validation.length === 0) throw new TrainConfigError('no validation slices');
  const v = new Set(validation);
  const both = train.filter((s) => v.has(s));
  if (both.length > 0) {
    throw new TrainConfigError(`slices ${both.join(', ')} are both training and validation slices`);
  }
}

/** Probability of class 1 (cell) per pixel, from the `height × width × 2` output. */
function cellProbability(probabilities: Float32Array, plane: number): Float32Array {
  const classes = probabilities.length / plane;
  const p = new Float32Array(plane);
  for (let i = 0; i < plane; i++) p[i] = probabilities[i * classes + 1]!;
  return p;
}

const fmtOff = (v: number): string => (v < 0 ? ` − ${(-v).toFixed(2)}` : ` + ${v.toFixed(2)}`);

/** The final table: metrics of the evaluated checkpoint on full slices and centre crops, and the seed. */
export function summaryTable(r: Pick<ReproduceIsbiResult, 'full' | 'crop' | 'validationSlices'>): string {
  const rows: [string, string, string, string][] = [
    ['mean IoU (seed metric)', fmt4(r.full.meanIoU), fmt4(r.crop.meanIoU), fmt4(SEED_RESULT.meanIoU)],
    [
      'pixel accuracy',
      fmtPct(r.full.pixelAccuracy),
      fmtPct(r.crop.pixelAccuracy),
      fmtPct(SEED_RESULT.pixelAccuracy),
    ],
    ['IoU membrane / cell', r.full.iou.map(fmt4).join(' / '), r.crop.iou.map(fmt4).join(' / '), '–'],
    ['Dice', fmt4(r.full.dice), fmt4(r.crop.dice), '–'],
    ['V_rand (thinned)', fmt4(r.full.vRand), fmt4(r.crop.vRand), '–'],
    ['V_info (thinned)', fmt4(r.full.vInfo), fmt4(r.crop.vInfo), '–'],
  ];
  const head: [string, string, string, string] = [
    `metric (slices ${r.validationSlices.join(', ')})`,
    'full slices',
    `${r.crop.size}² centre crop`,
    'seed (388²)',
  ];
  const all = [head, ...rows];
  const widths = head.map((_, c) => Math.max(...all.map((row) => row[c]!.length)));
  const line = (row: readonly string[]): string =>
    `| ${row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join(' | ')} |`;
  const sep = `| ${widths.map((w, c) => (c === 0 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`;
  return [line(head), sep, ...rows.map(line)].join('\n');
}

/**
 * Runs the whole reproduction: train (budgeted), evaluate the best checkpoint, write outputs.
 * See `ReproduceIsbiOptions` for the options and their defaults.
 */
export async function runReproduceIsbi(options: ReproduceIsbiOptions = {}): Promise<ReproduceIsbiResult> {
  const t0 = Date.now();
  const load0 = loadavg()[0]!;
  const d = REPRODUCE_DEFAULTS;
  const stdout = options.stdout ?? process.stdout;
  const seed = options.seed ?? d.seed;
  if (!Number.isInteger(seed)) throw new TrainConfigError(`seed must be an integer, got ${seed}`);
  const minutes = options.minutes ?? d.minutes;
  if (!(minutes > 0)) throw new TrainConfigError(`minutes must be > 0, got ${minutes}`);
  const budgetMs = minutes * 60_000;
  const tta = options.tta ?? false;
  const testTta = options.testTta ?? tta;
  const dataDir = options.data ?? d.data;
  const out = reproduceOutDir({ ...options, seed });
  const trainSlices = options.trainSlices ?? [...d.trainSlices];
  const valSlices = options.validationSlices ?? [...d.validationSlices];
  checkSliceSets(trainSlices, valSlices);
  const augmentName = options.augment ?? d.augment;
  if (!AUGMENT_PRESETS.includes(augmentName))
    throw new TrainConfigError(`unknown augmentation preset '${String(augmentName)}'`);
  const loss = options.loss ?? d.loss;
  const weights = lossWeights(loss);
  if (weights === undefined) throw new TrainConfigError(`unknown loss preset '${String(loss)}'`);
  const dice = options.dice ?? d.dice;
  const weightAverage = options.weightAverage ?? d.weightAverage;
  const model = {
    depth: d.depth,
    baseFilters: d.baseFilters,
    batchNorm: d.batchNorm,
    ...(options.model ?? {}),
  };
  const tileSize = options.tileSize ?? d.tileSize;
  const batchSize = options.batchSize ?? d.batchSize;
  const cosineSteps = options.cosineSteps ?? d.cosineSteps;
  if (!Number.isInteger(cosineSteps) || cosineSteps < 0)
    throw new TrainConfigError(`cosineSteps must be an integer >= 0, got ${cosineSteps}`);
  const stepsPerEpoch = options.stepsPerEpoch ?? d.stepsPerEpoch;
  const epochs = options.epochs ?? (cosineSteps > 0 ? Math.ceil(cosineSteps / stepsPerEpoch) : d.maxEpochs);

  // ---- data: only the chosen slices reach the trainer; validation is the trainer's held-out tail ----
  let rawImages = cropStack(await readStack(join(dataDir, 'train-volume.tif'), 'image'), options.crop);
  const rawLabels = cropStack(await readStack(join(dataDir, 'train-labels.tif'), 'label'), options.crop);
  if (rawImages.count !== rawLabels.count) {
    throw new TrainConfigError(
      `train-labels.tif has ${rawLabels.count} slices, train-volume.tif ${rawImages.count}`,
    );
  }
  const offset = resolveLabelOffset(options.labelOffset ?? d.labelOffset, rawImages, rawLabels, trainSlices);
  const moved = offset.dx !== 0 || offset.dy !== 0;
  const interpolation = options.shiftInterpolation ?? d.shiftInterpolation;
  if (moved) rawImages = shiftStack(rawImages, offset.dx, offset.dy, { interpolation });
  const used = [...trainSlices, ...valSlices];
  const images = pickSlices(rawImages, used, 'training/validation');
  const labels = pickSlices(rawLabels, used, 'training/validation');
  const { width, height } = images;
  const plane = width * height;
  const valIdx = valSlices.map((_, i) => trainSlices.length + i);
  const radius = options.sliceContext ?? d.sliceContext;
  if (!Number.isInteger(radius) || radius < 0 || radius > 8)
    throw new TrainConfigError(`sliceContext must be an integer in [0, 8], got ${radius}`);
  const inputs = modelInputs(rawImages, trainSlices, valSlices, radius);
  // What the saved model's preprocess.json records; the test volume is prepared from it.
  const preprocess: ModelPreprocess = {
    ...(moved ? { imageOffset: { dx: offset.dx, dy: offset.dy, interpolation } } : {}),
    ...(radius > 0 ? { sliceContext: { radius } } : {}),
  };
  const testSlicesOpt = options.testSlices;
  let test: Volume | null = null;
  if (testSlicesOpt === undefined || testSlicesOpt.length > 0) {
    const t = cropStack(await readStack(join(dataDir, 'test-volume.tif'), 'test image'), options.crop);
    test = testSlicesOpt ? pickSlices(t, testSlicesOpt, 'test') : t;
  }
  const pseudoPath = options.pseudoLabels === undefined ? undefined : resolve(options.pseudoLabels);
  let pseudo = null;
  if (pseudoPath !== undefined) {
    if (!test) throw new TrainConfigError('pseudoLabels needs the test volume (testSlices is empty)');
    if (radius > 0) throw new TrainConfigError('pseudoLabels does not combine with sliceContext');
    pseudo = await pseudoLabelSlices(pseudoPath, test, offset, interpolation);
  }
  const warmStart = options.warmStart ?? false;
  const modelDir = join(out, 'model');
  // A saved model has no state.json (the store's completeness mark): look for its model.json.
  if (warmStart && !existsSync(join(modelDir, 'model.json')))
    throw new TrainConfigError(`warmStart: no saved model in ${modelDir} (run without it first)`);
  const initialWeights = warmStart ? await new FileCheckpointStore(out).load('model') : undefined;

  const backend = await initNodeBackend(
    'wasm',
    options.threads !== undefined ? { threads: options.threads } : {},
  );
  mkdirSync(out, { recursive: true });
  stdout.write(
    `reproduce-isbi: seed ${seed}, budget ${minutes} min, data ${resolve(dataDir)}, out ${out}\n` +
      `  train slices ${trainSlices[0]}–${trainSlices.at(-1)} (${trainSlices.length}), validation [${valSlices.join(', ')}], ` +
      `${width}x${height}; model depth ${model.depth} base ${model.baseFilters}${model.batchNorm ? ' BN' : ''}${model.dropout ? ` dropout ${model.dropout}` : ''}, ` +
      `tile ${tileSize}, batch ${batchSize}, loss ${loss}${dice > 0 ? ` + ${dice}·Dice` : ''}, augmentation ${augmentName}${radius > 0 ? `, slice context ±${radius} (${inputs.channels} channels)` : ''}${weightAverage > 0 ? `, weight EMA ${weightAverage}` : ''}${pseudo ? `, + ${pseudo.count} test slices with pseudo-labels from ${pseudoPath}` : ''}${warmStart ? `, starting from ${modelDir}` : ''}${offsetNote(offset, moved, interpolation)}, backend ${backend}, load average ${load0.toFixed(1)}\n`,
  );

  // ---- training under the budget ----
  const store = new FileCheckpointStore(join(out, 'checkpoints'));
  const controller = new AbortController();
  let stoppedBy: ReproduceIsbiResult['stoppedBy'] = 'epochs';
  const onOuterAbort = (): void => {
    stoppedBy = 'signal';
    controller.abort();
  };
  if (options.signal?.aborted) onOuterAbort();
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const testCount = test?.count ?? 0;
  const recalibrate = options.recalibrateBatchNorm ?? true;
  // Seconds per slice of prediction + scoring, from the last validation (refined every epoch).
  let predictPerSlice = NaN;
  // The evaluation took 0.78–1.09 of this count × predictPerSlice in the runs of 2026-11-28; the
  // margin stays 1.2 so that the recorded commands train exactly as long as they did.
  const postSlices =
    (tta ? 8 : 1) * valSlices.length +
    (testTta ? 8 : 1) * testCount +
    (recalibrate ? 6 : 1) * valSlices.length;
  const postSeconds = (): number =>
    Number.isFinite(predictPerSlice) ? predictPerSlice * postSlices * 1.2 + 15 : 0;
  const progress = new ProgressLine(stdout);
  let lastRecord: EpochRecord | undefined;
  const tTrain = Date.now();
  let result: TrainResult;
  try {
    result = await trainUNet({
      images: {
        data: pseudo ? appendSlices(inputs.data, pseudo.images) : inputs.data,
        width,
        height,
        count: images.count + (pseudo?.count ?? 0),
      },
      channels: inputs.channels,
      labels: {
        data: pseudo ? appendSlices(labels.data, pseudo.labels) : labels.data,
        width,
        height,
        count: labels.count + (pseudo?.count ?? 0),
      },
      ...(initialWeights ? { initialWeights } : {}),
      validation: valIdx,
      epochs,
      batchSize,
      tileSize,
      learningRate: options.learningRate ?? d.learningRate,
      ...(cosineSteps > 0 ? { learningRateSchedule: { type: 'cosine' as const, steps: cosineSteps } } : {}),
      stepsPerEpoch,
      weights,
      dice,
      weightAverage,
      augment: augmentPreset(augmentName),
      model,
      seed,
      backend: 'wasm',
      checkpoint: store,
      resume: options.resume ?? false,
      restoreBest: true,
      signal: controller.signal,
      onBatchEnd: (info) => {
        // Hard stop: the budget is used up even without another epoch (partial epoch is dropped).
        if (!controller.signal.aborted && Date.now() - t0 + postSeconds() * 1000 > budgetMs) {
          stoppedBy = 'budget';
          controller.abort();
        }
        if (!options.quiet)
          // The epoch count is only an upper bound here: show the budget left instead of an ETA.
          progress.update(
            formatProgress(info, lastRecord).replace(
              /ETA \S+$/,
              `budget left ${formatDuration((budgetMs - (Date.now() - t0)) / 1000)}`,
            ),
          );
      },
      onEpochEnd: (record) => {
        lastRecord = record;
        if (record.validationSeconds !== undefined)
          predictPerSlice = record.validationSeconds / valSlices.length;
        progress.line(
          `${formatEpoch(record, epochs)}  [${formatDuration((Date.now() - t0) / 1000)} elapsed]`,
        );
        // Soft stop: another epoch like this one would not leave time for the final evaluation.
        const left = budgetMs - (Date.now() - t0) - postSeconds() * 1000;
        if (!controller.signal.aborted && record.seconds * 1000 * 1.05 > left) {
          stoppedBy = 'budget';
          controller.abort();
        }
      },
    });
  } finally {
    options.signal?.removeEventListener('abort', onOuterAbort);
    progress.done();
  }
  const trainSeconds = (Date.now() - tTrain) / 1000;
  if (result.bestEpoch < 0) {
    stdout.write('warning: no epoch finished within the budget; evaluating the last weights\n');
  }
  stdout.write(
    `Training stopped (${stoppedBy}) after ${result.history.length} epochs in ${formatDuration(trainSeconds)}; ` +
      `evaluating epoch ${result.bestEpoch + 1}${tta ? ' with 8-fold TTA' : ''}…\n`,
  );

  // ---- evaluation of the best checkpoint, probability maps, report ----
  const tEval = Date.now();
  try {
    const C = inputs.channels;
    const norm = prepareImages(inputs.data, width, height, images.count, C);
    const classes = prepareLabels(labels.data, 2);
    const predictOpts = {
      batchSize,
      tta,
      ...(result.config.validationTileSize !== null ? { tileSize: result.config.validationTileSize } : {}),
    };
    const stack = { data: norm, width, height, count: images.count, channels: C };
    const recalSlices = trainSlices.map((_, i) => i);
    // Scores a checkpoint on the validation slices (after BN recalibration): the weights stay loaded.
    const score = async (name: string, withTta: boolean): Promise<Scored> => {
      loadWeightsInto(result.model, await store.load(name));
      if (recalibrate) {
        recalibrateBatchNorm(result.model, stack, classes, {
          slices: recalSlices,
          tileSize,
          batchSize,
          seed,
        });
      }
      const labelsOut: Uint8Array[] = [];
      const probs: Float32Array[] = [];
      for (const s of valIdx) {
        const r = await predictTiled(result.model, channelSlice(norm, s, plane, C), width, height, {
          ...predictOpts,
          tta: withTta,
        });
        labelsOut.push(r.labels);
        probs.push(cellProbability(r.probabilities, plane));
      }
      const truthsOut = valIdx.map((s) => classes.subarray(s * plane, (s + 1) * plane));
      return {
        name,
        preds: labelsOut,
        probs,
        meanIoU: evaluateSegmentation(labelsOut, truthsOut, width, height).meanIoU,
      };
    };
    // Candidates: the trainer's best epoch and the last state (its per-epoch validation used the
    // lagging moving statistics); the better one on the validation slices is evaluated.
    const candidates = await checkpointCandidates(store, result.bestEpoch);
    if (candidates.length === 0) throw new TrainConfigError('no checkpoint was written');
    const scored: Scored[] = [];
    for (const c of candidates) scored.push(await score(c.name, false));
    const chosenIdx = scored.reduce((b, x, i) => (x.meanIoU > scored[b]!.meanIoU ? i : b), 0);
    const chosen = candidates[chosenIdx]!;
    stdout.write(
      `Checkpoints on the validation slices${recalibrate ? ' (batch-norm statistics recalibrated)' : ''}: ` +
        `${scored.map((x, i) => `${candidates[i]!.label} mean IoU ${x.meanIoU.toFixed(4)}`).join(', ')}; evaluating ${chosen.label}\n`,
    );
    let final = scored[chosenIdx]!;
    if (tta) final = await score(chosen.name, true);
    else if (chosenIdx !== scored.length - 1) await score(chosen.name, false);
    await new FileCheckpointStore(out).save('model', {
      ...(await modelToFiles(result.model)),
      ...(Object.keys(preprocess).length > 0 ? preprocessFile(preprocess) : {}),
    });
    const preds = final.preds;
    const truths = valIdx.map((s) => classes.subarray(s * plane, (s + 1) * plane));
    const valProb = final.probs.map((data) => ({ width, height, data }));
    const overlays: OverlaySlice[] = valIdx.map((s, i) => ({
      slice: valSlices[i]!,
      image: images.data.subarray(s * plane, (s + 1) * plane),
      label: truths[i]!,
      pred: preds[i]!,
      width,
      height,
    }));
    const { full, crop, boundaryErrors } = scoreSlices(
      preds,
      truths,
      width,
      height,
      options.evalCrop ?? d.evalCrop,
    );
    const cropSize = crop.size;
    const files: ReproduceIsbiResult['files'] = {
      report: join(out, 'report.html'),
      validationProbabilities: join(out, 'validation-probabilities.tif'),
      testProbabilities: test ? join(out, 'test-probabilities.tif') : null,
      summary: join(out, 'summary.json'),
    };
    await writeTiffFile(files.validationProbabilities, valProb, { compression: 'deflate' });
    if (test && files.testProbabilities) {
      await writeTestProbabilities(
        result.model,
        test,
        preprocess,
        { ...predictOpts, tta: testTta },
        files.testProbabilities,
        (k) => {
          if (!options.quiet) progress.update(`test volume: ${k}/${test.count} slices`, k === test.count);
        },
      );
      progress.done();
    }
    const evalSeconds = (Date.now() - tEval) / 1000;
    const wallSeconds = (Date.now() - t0) / 1000;
    const load1 = loadavg()[0]!;
    writeReport({
      outDir: out,
      title: `unet-wasm: ISBI 2012 reproduction (seed ${seed})`,
      history: result.history,
      config: result.config,
      majorityBaseline: result.majorityBaseline,
      bestEpoch: result.bestEpoch,
      overlays,
      notes: {
        [`best checkpoint on slices ${valSlices.join(', ')}, full ${width}×${height}`]: scoreLine(full),
        [`best checkpoint on slices ${valSlices.join(', ')}, ${cropSize}² centre crop`]: scoreLine(crop),
        'errors by distance to the true boundary (full slices)': boundaryErrorLine(boundaryErrors),
        'seed (388² centre crop)': `mean IoU ${SEED_RESULT.meanIoU}, pixel accuracy ${fmtPct(SEED_RESULT.pixelAccuracy)}`,
        'evaluated checkpoint': `${chosen.label}${recalibrate ? ' (batch-norm statistics recalibrated on training tiles)' : ''}`,
        'test-time augmentation': ttaNote(tta, testTta),
        'stopped by': stoppedBy,
        'wall time (whole command)': formatDuration(wallSeconds),
        'training / evaluation + outputs': `${formatDuration(trainSeconds)} / ${formatDuration(evalSeconds)}`,
        'load average (1 min) start / end': `${load0.toFixed(1)} / ${load1.toFixed(1)}`,
        backend,
      },
    });
    const summary: ReproduceIsbiResult = {
      out,
      seed,
      validationSlices: valSlices,
      wallSeconds,
      trainSeconds,
      evalSeconds,
      epochs: result.history.length,
      bestEpoch: result.bestEpoch,
      evaluated: chosen.label,
      stoppedBy,
      tta,
      testTta,
      labelOffset: { ...offset, interpolation },
      sliceContext: radius,
      ...(pseudoPath !== undefined ? { pseudoLabels: pseudoPath } : {}),
      ...(warmStart ? { warmStart } : {}),
      full,
      crop,
      boundaryErrors,
      majorityBaseline: result.majorityBaseline,
      files,
      config: result.config,
      history: result.history,
      load: { start: load0, end: load1 },
    };
    writeFileSync(files.summary, `${JSON.stringify(summary, null, 2)}\n`);
    stdout.write(
      `\n${summaryTable(summary)}\n\n` +
        `Evaluated ${chosen.label} of ${result.history.length}; majority-class baseline ${fmtPct(result.majorityBaseline)}.\n` +
        `Errors by distance to the true boundary: ${boundaryErrorLine(boundaryErrors)}.\n` +
        `Wall time ${formatDuration(wallSeconds)} (training ${formatDuration(trainSeconds)}, evaluation + outputs ${formatDuration(evalSeconds)}); ` +
        `load average ${load0.toFixed(1)} → ${load1.toFixed(1)}.\n` +
        `Report: ${files.report}\nProbabilities: ${files.validationProbabilities}` +
        `${files.testProbabilities ? `, ${files.testProbabilities}` : ''}\n`,
    );
    return summary;
  } finally {
    result.model.dispose();
  }
}

/** The report's test-time augmentation line: where the 8 views were averaged. */
export function ttaNote(tta: boolean, testTta: boolean): string {
  if (tta && testTta) return '8 flips/rotations';
  if (tta) return '8 flips/rotations on the scored slices; test volume without';
  return testTta ? 'test volume only: 8 flips/rotations' : 'off';
}

/** E.g. '≤ 1.5 px: 66.7 % of errors (error rate 31.5 %, 16.2 % of pixels); …'. */
export function boundaryErrorLine(p: BoundaryErrorProfile): string {
  const pct = (v: number): string => `${(v * 100).toFixed(1)} %`;
  return p.bands
    .map(
      (b) =>
        `${b.to === Infinity ? `> ${b.from}` : `${b.from === 0 ? '≤' : `${b.from}–`}${b.to}`} px: ` +
        `${pct(b.shareOfErrors)} of errors (error rate ${pct(b.errorRate)}, ${pct(b.pixels / p.pixels)} of pixels)`,
    )
    .join('; ');
}

async function writeTestProbabilities(
  model: LayersModel,
  test: Volume,
  preprocess: ModelPreprocess,
  predictOpts: { batchSize: number; tta: boolean; tileSize?: number },
  path: string,
  onSlice: (done: number) => void,
): Promise<void> {
  const { width, height, count } = test;
  const plane = width * height;
  const input = modelInput(test, preprocess);
  const pages: { width: number; height: number; data: Float32Array }[] = [];
  for (let s = 0; s < count; s++) {
    const r = await predictTiled(
      model,
      channelSlice(input.data, s, plane, input.channels),
      width,
      height,
      predictOpts,
    );
    pages.push({ width, height, data: cellProbability(r.probabilities, plane) });
    onSlice(s + 1);
  }
  await writeTiffFile(path, pages, { compression: 'deflate' });
}

interface Scored {
  name: string;
  preds: Uint8Array[];
  probs: Float32Array[];
  meanIoU: number;
}

/** 'best' (when an epoch finished) and 'last' unless it holds the same weights as 'best'. */
async function checkpointCandidates(
  store: CheckpointStore,
  bestEpoch: number,
): Promise<{ name: string; label: string }[]> {
  const out: { name: string; label: string }[] = [];
  if (bestEpoch >= 0 && (await store.exists('best')))
    out.push({ name: 'best', label: `best epoch ${bestEpoch + 1}` });
  if (await store.exists('last')) {
    const st = readJsonFile<CheckpointState>(await store.load('last'), 'state.json');
    const sameAsBest = st.step === 0 && st.epoch - 1 === bestEpoch;
    if (!sameAsBest) {
      out.push({
        name: 'last',
        label:
          st.step === 0 ? `last epoch ${st.epoch}` : `last state (epoch ${st.epoch + 1}, step ${st.step})`,
      });
    }
  }
  return out;
}
