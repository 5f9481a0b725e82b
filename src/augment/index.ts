// Augmentation: WASM SIMD kernels (blur, elastic field, warp, intensity) and their pipeline.
export { AugmentError } from './errors.js';
export { gaussianBlur } from './gaussianBlur.js';
export { elasticField } from './elasticField.js';
export type { ElasticFieldOptions } from './elasticField.js';
export { warp } from './warp.js';
export type { WarpOptions, Affine } from './warp.js';
export { warpPair } from './warpPair.js';
export type { WarpPairOptions } from './warpPair.js';
export { adjustIntensity, addGaussianNoise } from './intensity.js';
export type { IntensityOptions, NoiseOptions } from './intensity.js';
export { gaussianBlurJs } from './reference/gaussianBlur.js';
export { elasticFieldJs } from './reference/elasticField.js';
export { warpJs } from './reference/warp.js';
export { adjustIntensityJs, addGaussianNoiseJs } from './reference/intensity.js';
export { defaultAugmentConfig, noAugmentConfig } from './config.js';
export type { AugmentConfig, AugmentToggle, AugmentRange } from './config.js';
export { augment, augmentTile, randomCrop, drawAugment, checkAugmentConfig } from './augment.js';
export type { Sample, TileSize, AugmentDraw } from './augment.js';
