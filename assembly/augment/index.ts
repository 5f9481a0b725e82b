// Kernels of the augment area; re-exported by assembly/index.ts.
export { augXoshiroU32, augUniformF32, augNoise4 } from './xoshiro';
export { augGaussianBlurF32, augBlurScratchBytes } from './blur';
export { augWarp, augWarpPair } from './warp';
export { augElasticField, augElasticFieldMultirate, augFieldScratchBytes } from './field';
export { augAdjustIntensity, augGaussianNoise } from './intensity';
