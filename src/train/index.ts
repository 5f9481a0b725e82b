export { trainUNet, epochOrder, stepIndices, batchSeed, majorityAccuracy } from './trainUNet.js';
export type { CheckpointState } from './trainUNet.js';
export { makeBatch } from './makeBatch.js';
export type { Batch, TileSpec, TrainStack, WeightOptions } from './makeBatch.js';
export {
  MemoryCheckpointStore,
  modelToFiles,
  filesToArtifacts,
  loadWeightsInto,
  optimizerToFiles,
  loadOptimizerState,
  readJsonFile,
  fileBytes,
} from './checkpoint.js';
export type { CheckpointStore, CheckpointFiles, OptimizerState } from './checkpoint.js';
export { FusedAdamOptimizer } from './fusedAdam.js';
export {
  WeightAverage,
  resolveWeightAverage,
  averageDecayAt,
  variablesToBytes,
  assignFromBytes,
} from './weightAverage.js';
export { resolveSchedule, learningRateAt } from './learningRateSchedule.js';
export type { LearningRateSchedule, ResolvedSchedule } from './learningRateSchedule.js';
export { splitSlices } from './split.js';
export type { SliceSplit } from './split.js';
export { prepareImages, prepareLabels } from './prepare.js';
export { formatProgress, formatEpoch, formatDuration, estimateRemaining } from './progress.js';
export { TrainConfigError, CheckpointError } from './errors.js';
export type {
  TrainOptions,
  BatchRequest,
  BatchSource,
  BatchSourceContext,
  TrainResult,
  ResolvedConfig,
  EpochRecord,
  BatchInfo,
  ValidationMetrics,
  ModelOptions,
  StackPixels,
  StackInput,
} from './options.js';
export {
  weightedCrossEntropy,
  diceLoss,
  combinedLoss,
  checkLossShapes,
  LossInputError,
  PROB_EPSILON,
} from './loss.js';
export type { DiceLossOptions, CombinedLossOptions } from './loss.js';
