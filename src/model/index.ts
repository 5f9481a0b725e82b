export { buildUNet, readUNetOptions, withInputSize, UNET_METADATA_KEY } from './buildUNet.js';
export { resolveUNetOptions, describeUNet } from './options.js';
export type { UNetOptions, ResolvedUNetOptions, UNetPadding, UNetUpsampling } from './options.js';
export { unetOutputSize, unetInputSize, isValidUNetInputSize, traceUNetSize } from './size.js';
export type { UNetSizeOptions } from './size.js';
export { UNetConfigError } from './errors.js';
export { SeededDropout } from './seededDropout.js';
export type { SeededDropoutArgs } from './seededDropout.js';
export { UNetBatchNorm, unetBatchNorm, isBatchNormLayer, fusedBatchNormAvailable } from './batchNormLayer.js';
