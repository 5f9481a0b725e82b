export { runReproduceIsbi, summaryTable, boundaryErrorLine, SEED_RESULT } from './reproduceIsbi.js';
export type { ReproduceFiles, ReproduceIsbiResult } from './reproduceIsbi.js';
export type { EvalScores } from './scoreSlices.js';
export { parseReproduceArgs, reproduceIsbiCommand, REPRODUCE_HELP } from './command.js';
export { augmentPreset, AUGMENT_PRESETS, lossWeights, LOSS_PRESETS, REPRODUCE_DEFAULTS } from './options.js';
export type { AugmentPreset, LossPreset, ReproduceIsbiOptions } from './options.js';
export { runReproduceEnsemble, ReproduceMemberError, MAX_MEMBERS } from './ensemble.js';
export type { ReproduceEnsembleOptions, ReproduceEnsembleResult, MemberSummary } from './ensemble.js';
export type { ReproduceCommandOptions } from './command.js';
