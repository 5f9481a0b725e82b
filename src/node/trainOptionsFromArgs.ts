// Maps parsed `train` flags to trainer options, once for the Node CLI and the headless launcher.
import type { TrainOptions } from '../train/index.js';
import type { TrainArgs } from './args.js';
import { SYNTHETIC_DEFAULTS } from './syntheticDefaults.js';

/** The trainer options that flags decide (data, storage, callbacks and backend are set elsewhere). */
export type ArgsTrainOptions = Omit<
  TrainOptions,
  'images' | 'labels' | 'width' | 'height' | 'checkpoint' | 'signal' | 'onBatchEnd' | 'onEpochEnd' | 'backend'
>;

/**
 * Trainer options from parsed `train` flags, shared by `train` and `train-headless`: flags the user
 * gave win, then the synthetic-data defaults when no data was given, else the trainer's defaults.
 * Backend, output directory and workers are the caller's (they differ between Node and the page).
 */
export function trainOptionsFromArgs(a: TrainArgs, synthetic: boolean): ArgsTrainOptions {
  const d = SYNTHETIC_DEFAULTS;
  const model: NonNullable<ArgsTrainOptions['model']> = { batchNorm: a.batchNorm };
  const depth = a.depth ?? (synthetic ? d.depth : undefined);
  const filters = a.filters ?? (synthetic ? d.filters : undefined);
  if (depth !== undefined) model.depth = depth;
  if (filters !== undefined) model.baseFilters = filters;
  if (a.padding) model.padding = a.padding;
  if (a.dropout !== undefined) model.dropout = a.dropout;
  if (a.upsampling) model.upsampling = a.upsampling;
  const o: ArgsTrainOptions = {
    model,
    seed: a.seed,
    resume: a.resume,
    weights: a.weights,
    restoreBest: true,
  };
  const epochs = a.epochs ?? (synthetic ? d.epochs : undefined);
  const batchSize = a.batchSize ?? (synthetic ? d.batchSize : undefined);
  const tile = a.tile ?? (synthetic ? d.tile : undefined);
  const steps = a.stepsPerEpoch ?? (synthetic ? d.stepsPerEpoch : undefined);
  if (epochs !== undefined) o.epochs = epochs;
  if (batchSize !== undefined) o.batchSize = batchSize;
  if (tile !== undefined) o.tileSize = tile;
  if (steps !== undefined) o.stepsPerEpoch = steps;
  if (a.lr !== undefined) o.learningRate = a.lr;
  if (a.cosineSteps) o.learningRateSchedule = { type: 'cosine', steps: a.cosineSteps };
  if (a.ema) o.weightAverage = a.ema;
  if (a.validation !== undefined) o.validation = a.validation;
  if (!a.augment) o.augment = false;
  if (a.dice !== undefined) o.dice = a.dice;
  if (a.checkpointEvery !== undefined) o.checkpointEvery = a.checkpointEvery;
  return o;
}
