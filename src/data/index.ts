export { normalizeImage, stackSlice, selectSlices, checkStack } from './stack.js';
export type { ImageStack, NumericStack, StackData } from './stack.js';
export { syntheticEM } from './syntheticEM.js';
export type { SyntheticEM, SyntheticEMOptions } from './syntheticEM.js';
export { DataInputError } from './errors.js';
export { shiftStack, SHIFT_INTERPOLATIONS } from './shiftStack.js';
export type { ShiftInterpolation, ShiftStackOptions } from './shiftStack.js';
export { estimateLabelOffset } from './estimateLabelOffset.js';
export type { LabelOffset, LabelOffsetOptions } from './estimateLabelOffset.js';
