// Kernels of the nn area (training kernels for the tfjs 'wasm' backend); re-exported by
// assembly/index.ts.
export { NN_BAD_ARGS } from './errors';
export { nnConv2dBackpropFilter } from './conv2dBackpropFilter';
export { nnConv2dBackpropInput, nnConv2dBackpropInputNarrow, nnTransposeFilter } from './conv2dBackpropInput';
export { nnBatchNormForward, nnBatchNormBackward, nnBatchNormScratchBytes } from './batchNorm';
export { nnAdamUpdate } from './adam';
export { nnSumRows } from './sumRows';
export { nnCopyRuns, nnMaxPoolGrad } from './layout';
export { nnZero, nnAddF32, nnReluGrad } from './elementwise';
