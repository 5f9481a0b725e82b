// Options and defaults of `reproduce-isbi`: the library's recipe for ISBI 2012 on a 2-core CPU.
import { join, resolve } from 'node:path';
import { defaultAugmentConfig, noAugmentConfig } from '../../augment/index.js';
import type { AugmentConfig } from '../../augment/index.js';
import type { ShiftInterpolation } from '../../data/index.js';
import type { ModelOptions, WeightOptions } from '../../train/index.js';
import type { OutStream } from '../progressLine.js';

/** Loss presets: how the pixel-wise cross-entropy is weighted. */
export type LossPreset = 'ce' | 'border' | 'balanced' | 'unet';

/**
 * The weight-map options of each preset:
 * - 'ce': plain cross-entropy (no weights);
 * - 'border': the paper's border term only (w0 10, σ 5) on unit class weights;
 * - 'balanced': class-balanced weights only (no border term);
 * - 'unet': the paper's full map, class-balanced + border term.
 */
export function lossWeights(preset: LossPreset): WeightOptions | false {
  switch (preset) {
    case 'ce':
      return false;
    case 'border':
      return { classWeights: [1, 1], w0: 10, sigma: 5 };
    case 'balanced':
      return { classWeights: 'balanced', w0: 0 };
    case 'unet':
      return { classWeights: 'balanced', w0: 10, sigma: 5 };
  }
}

export const LOSS_PRESETS: readonly LossPreset[] = ['ce', 'border', 'balanced', 'unet'];

/** Augmentation presets of the reproduction. */
export type AugmentPreset = 'full' | 'smooth' | 'dihedral' | 'none';

export const AUGMENT_PRESETS: readonly AugmentPreset[] = ['full', 'smooth', 'dihedral', 'none'];

/**
 * The 'smooth' preset's elastic field: displacements of 1.5–3.5 px rms, like 'full''s 1.0–4.7 px,
 * but a local strain (∂dx/∂x) of 0.04–0.11 rms against 'full''s 0.05–0.34 (measured on 256² fields),
 * so membranes keep their thickness within about a tenth.
 */
export const SMOOTH_ELASTIC = { alpha: [300, 600], sigma: [25, 30] } as const;

/**
 * The trainer's `augment` option of each preset:
 * - 'full': the library's default augmentation (elastic, affine, flips, rot90, intensity, noise);
 * - 'smooth': 'full' with a smoother elastic field (`SMOOTH_ELASTIC`): the default field (sigma
 *   10–15 px) stretches membranes locally by up to a third, which changes their thickness;
 * - 'dihedral': only the flips and rot90 (each p 0.5), the exact symmetries of an EM section;
 * - 'none': plain random crops.
 */
export function augmentPreset(preset: AugmentPreset): AugmentConfig | false {
  switch (preset) {
    case 'full':
      return structuredClone(defaultAugmentConfig) as AugmentConfig;
    case 'smooth': {
      const c = structuredClone(defaultAugmentConfig) as AugmentConfig;
      c.elastic.alpha = [...SMOOTH_ELASTIC.alpha];
      c.elastic.sigma = [...SMOOTH_ELASTIC.sigma];
      return c;
    }
    case 'dihedral': {
      const c = noAugmentConfig();
      c.flipHorizontal.enabled = true;
      c.flipVertical.enabled = true;
      c.rot90.enabled = true;
      return c;
    }
    case 'none':
      return false;
  }
}

/**
 * Defaults of the reproduction (see the README section "Reproducing ISBI 2012" for the calibration
 * behind them): a depth-4 U-Net with 16 base filters and batch norm, 'same' padding, random
 * 256² tiles in batches of 4 with the default augmentation (elastic included), Adam at a constant
 * 1e-3, plain cross-entropy, a 55-minute wall-time budget for the whole command. A cosine decay
 * (`cosineSteps`) was tried and is off by default: over 540 steps it barely moved the training
 * loss and both seeds ended below the constant rate (README, "Reproducing ISBI 2012"). The 'dihedral'
 * augmentation (flips and rot90 only) lowered the training loss but not the held-out scores, so
 * 'full' stays. The images are resampled onto the labels' grid ('auto' label offset): ISBI's labels
 * sit about 0.6 px above their images, and flips and rot90 had turned that into a blur of the rims.
 */
export const REPRODUCE_DEFAULTS = {
  data: '../shared/data/isbi2012',
  seed: 1,
  minutes: 55,
  baseFilters: 16,
  depth: 4,
  batchNorm: true,
  tileSize: 256,
  batchSize: 4,
  learningRate: 1e-3,
  /** Steps of the cosine decay (0 = constant rate); with a decay, training stops when it ends. */
  cosineSteps: 0,
  /** Decay of the EMA of the weights (the trainer's `weightAverage`); 0 = off. */
  weightAverage: 0,
  loss: 'ce' as LossPreset,
  /** Weight of the soft Dice term added to the loss (the trainer's `dice`). */
  dice: 0,
  augment: 'full' as AugmentPreset,
  /** Put the images on the labels' pixel grid: 'auto' estimates the offset on the training slices. */
  labelOffset: 'auto' as LabelOffsetOption,
  /** Models trained at once and averaged (`--members`); 1 = a single run. */
  members: 2,
  /** Interpolation of that resampling (see `shiftStack`). */
  shiftInterpolation: 'bilinear' as ShiftInterpolation,
  /** z-neighbours per side given to the model as extra channels (`sliceContext`); 0 = each slice alone. */
  sliceContext: 0,
  maxEpochs: 1000,
  /** A third of the trainer's default (27): validation (~8 % of an epoch) every 9 steps picks the best state finely. */
  stepsPerEpoch: 9,
  trainSlices: Array.from({ length: 27 }, (_, i) => i),
  validationSlices: [27, 28, 29],
  evalCrop: 388,
} as const;

/** The output folder: `out`, or `runs/reproduce-isbi/seed<seed>` by default, made absolute. */
export function reproduceOutDir(o: Pick<ReproduceIsbiOptions, 'out' | 'seed'>): string {
  return resolve(o.out ?? join('runs', 'reproduce-isbi', `seed${o.seed ?? REPRODUCE_DEFAULTS.seed}`));
}

/** 'auto' (estimate on the training slices), 'none', or a fixed [dx, dy] in pixels. */
export type LabelOffsetOption = 'auto' | 'none' | readonly [number, number];

/** Options of `runReproduceIsbi`. Every field has a default (`REPRODUCE_DEFAULTS`). */
export interface ReproduceIsbiOptions {
  /** Folder with train-volume.tif, train-labels.tif and test-volume.tif. Default '../shared/data/isbi2012'. */
  data?: string;
  /** Output folder (checkpoints, TIFFs, report). Default `runs/reproduce-isbi/seed<seed>`. */
  out?: string;
  /** Seeds weights, slice order, crops and augmentation. Default 1. */
  seed?: number;
  /**
   * Wall-time budget of the whole command in minutes (loading, training, evaluation, outputs).
   * Training stops at an epoch boundary when the next epoch and the final evaluation would not
   * fit, or mid-epoch (checkpoint kept) when even the estimate is exceeded. Default 55.
   */
  minutes?: number;
  /** Average the 8 flips/rotations when scoring the validation slices (and, by default, the test volume). Default false. */
  tta?: boolean;
  /**
   * Average the 8 views for test-volume.tif's probability maps too. The test volume is not scored, and
   * its 30 slices × 8 views are most of the evaluation time (about 6 of 8 minutes on the 2-core VM),
   * time that otherwise goes to training. Default: `tta`.
   */
  testTta?: boolean;
  /** Upper bound on epochs. Default 1000 with a constant rate (the budget stops earlier); with a decay, ceil(cosineSteps / stepsPerEpoch). */
  epochs?: number;
  /**
   * Steps of the cosine learning-rate decay from `learningRate` to `learningRate / 100`; 0 keeps the
   * rate constant. The schedule depends on the step only, never on the clock, so a run is the same
   * on a faster or slower machine (a slower one may hit the budget before the decay ends). Default 0.
   */
  cosineSteps?: number;
  /** Steps per epoch, i.e. between validations. Default 9. */
  stepsPerEpoch?: number;
  /** Loss weighting preset. Default 'ce'. */
  loss?: LossPreset;
  /** Weight of a soft Dice term added to the loss (see trainUNet's `dice`). Default 0. */
  dice?: number;
  /** Augmentation preset (see `augmentPreset`). Default 'full'. */
  augment?: AugmentPreset;
  /**
   * Sub-pixel offset of the labels against the images (see `estimateLabelOffset`). Every image
   * (training, validation and test) is resampled at (x + dx, y + dy) before training and prediction,
   * so the model and its probability maps live on the labels' grid. 'auto' estimates (dx, dy) from
   * the training slices only ('none' keeps the images as they are). Default 'auto'.
   */
  labelOffset?: LabelOffsetOption;
  /** Interpolation of the label-offset resampling: 'bilinear' or 'cubic' (see `shiftStack`). Default 'bilinear'. */
  shiftInterpolation?: ShiftInterpolation;
  /**
   * Neighbouring sections per side fed as extra input channels (`sliceContext`, "2.5-D"): each
   * slice goes in with slices s ± 1 … s ± r. A training slice's neighbours are taken from the
   * training slices only (mirrored at the ends of that set), so no held-out image enters training;
   * validation and test slices use their own stacks' neighbours. Default 0 (each slice alone).
   */
  sliceContext?: number;
  /** Model overrides over { depth 4, baseFilters 16, batchNorm true }. */
  model?: Partial<ModelOptions>;
  /** Training tile edge. Default 256. */
  tileSize?: number;
  /** Default 4. */
  batchSize?: number;
  /** Adam learning rate. Default 1e-3. */
  learningRate?: number;
  /**
   * Decay of an exponential moving average of the weights in [0, 1) (the trainer's
   * `weightAverage`): validation, checkpoints and the evaluated model use the average. Default 0 (off).
   */
  weightAverage?: number;
  /** XNNPACK threads of tfjs-wasm (see initNodeBackend). Default: all CPUs. */
  threads?: number;
  /** Training slices. Default 0–26. */
  trainSlices?: number[];
  /** Validation slices (never trained on; only picks the best epoch). Default 27–29. */
  validationSlices?: number[];
  /** Test-volume slices to predict. Default all. Empty: skip the test volume. */
  testSlices?: number[];
  /** Crop every slice to its top-left `crop`² corner (for quick tests). Default: no crop. */
  crop?: number;
  /** Centre crop of the second evaluation (the seed's 388²), clamped to the slice size. Default 388. */
  evalCrop?: number;
  /**
   * Recompute batch-norm moving statistics over training tiles before evaluating (see
   * recalibrateBatchNorm.ts: with Keras's momentum 0.99 they lag far behind short runs; 0.9 lags less but still lags). Default true.
   */
  recalibrateBatchNorm?: boolean;
  /**
   * Self-training: a TIFF of cell probabilities of the test volume, one slice per test slice (e.g. an
   * earlier run's `test-probabilities.tif`). The test images join the training slices with the labels
   * p > 0.5 → cell; the validation slices stay out. Not with `sliceContext`. Default: none.
   */
  pseudoLabels?: string;
  /**
   * Start from the weights of `<out>/model` (the model an earlier run in this folder evaluated)
   * instead of a fresh initialisation; with members, each from its own. Default false.
   */
  warmStart?: boolean;
  /** Continue from `<out>/checkpoints/last` (same options required); the budget restarts. Default false. */
  resume?: boolean;
  /** Stops training early (e.g. Ctrl-C); evaluation and outputs still run. */
  signal?: AbortSignal;
  /** Progress and summary output. Default: process.stdout. */
  stdout?: OutStream;
  /** Suppress the per-step progress line. Default false. */
  quiet?: boolean;
}
