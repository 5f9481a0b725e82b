// TIFF stacks: decoding (IFDs in TypeScript, pixels in WASM), stacking and encoding.
export { TiffError } from './TiffError.js';
export { decodeTiff, DEFAULT_MAX_PIXELS } from './decodeTiff.js';
export { encodeTiff } from './encodeTiff.js';
export { tiffToStack, type TiffStack } from './tiffToStack.js';
export type {
  DecodeTiffOptions,
  EncodeTiffOptions,
  SampleFormat,
  TiffData,
  TiffImage,
  TiffPageInput,
} from './types.js';
