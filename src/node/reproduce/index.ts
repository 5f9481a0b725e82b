export { runReproduceIsbi, summaryTable, boundaryErrorLine, SEED_RESULT } from './reproduceIsbi.js';
export type { ReproduceIsbiResult, EvalScores } from './reproduceIsbi.js';
export { parseReproduceArgs, reproduceIsbiCommand, REPRODUCE_HELP } from './command.js';
export { augmentPreset, AUGMENT_PRESETS, lossWeights, LOSS_PRESETS, REPRODUCE_DEFAULTS } from './options.js';
export type { AugmentPreset, LossPreset, ReproduceIsbiOptions } from './options.js';
