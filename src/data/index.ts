export { normalizeImage, stackSlice, selectSlices, checkStack } from './stack.js';
export type { ImageStack, StackData } from './stack.js';
export { syntheticEM } from './syntheticEM.js';
export type { SyntheticEM, SyntheticEMOptions } from './syntheticEM.js';
export { DataInputError } from './errors.js';
