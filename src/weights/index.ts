// Distance transforms, connected components and the U-Net weight map (WASM kernels).
export { labelComponents } from './labelComponents.js';
export type { LabelComponentsOptions, LabeledComponents } from './labelComponents.js';
export { distanceTransform } from './distanceTransform.js';
export { weightMap } from './weightMap.js';
export { weightMapStack } from './weightMapStack.js';
export type { WeightMapOptions } from './options.js';
export { WeightsInputError } from './errors.js';
