export { predictTiled, MAX_AUTO_TILE } from './predictTiled.js';
export type { PredictTiledOptions, TiledPrediction } from './predictTiled.js';
export { mirrorPad, mirrorIndex } from './mirrorPad.js';
export { dihedralTransform, dihedralInverse } from './dihedral.js';
export { InferenceInputError } from './errors.js';
export { argmaxLabels } from './argmaxLabels.js';
